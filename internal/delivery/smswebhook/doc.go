// Package smswebhook delivers SMS messages by POSTing them as JSON to an
// operator-chosen URL, because no SMS gateway is universal: a few lines
// behind that URL bridge to Twilio, SNS, an on-premises modem, or a test.
//
// The request body is {"to","body","pool","user","kind"}. With a secret
// configured, the header X-Cirro-Signature: sha256=<hex> carries the
// HMAC-SHA256 of the exact body bytes under that secret, so the receiver
// can reject forged requests before sending anything to a phone.
package smswebhook
