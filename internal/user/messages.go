package user

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
)

// contact is where a message goes: an email address or a phone number.
type contact struct {
	attr    string
	channel message.Channel
	to      string
}

func contactOf(attr, to string) contact {
	ch := message.ChannelEmail
	if attr == attrPhone {
		ch = message.ChannelSMS
	}
	return contact{attr: attr, channel: ch, to: to}
}

// details is CodeDeliveryDetails for a code sent to c.
func (c contact) details() *cognitoidp.CodeDeliveryDetailsType {
	return &cognitoidp.CodeDeliveryDetailsType{
		AttributeName:  ptr(c.attr),
		DeliveryMedium: ptr(string(c.channel)),
		Destination:    ptr(mask(c.channel, c.to)),
	}
}

// mask hides a destination the way Cognito reports it: the first
// character of the local part and of the domain of an address
// ("a***@e***"), the last four digits of a phone number ("+*******1234").
func mask(ch message.Channel, to string) string {
	if ch == message.ChannelSMS {
		digits := strings.TrimPrefix(to, "+")
		keep := min(4, len(digits))
		return "+" + strings.Repeat("*", len(digits)-keep) + digits[len(digits)-keep:]
	}
	local, domain, _ := strings.Cut(to, "@")
	return firstRune(local) + "***@" + firstRune(domain) + "***"
}

func firstRune(s string) string {
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// confirmLink is the target of a CONFIRM_WITH_LINK email: cirro's own
// /confirmUser endpoint, with the query Cognito's links carry.
func (s *Service) confirmLink(clientID, username, code string) string {
	q := url.Values{"client_id": {clientID}, "user_name": {username}, "confirmation_code": {code}}
	return strings.TrimRight(s.PublicURL, "/") + "/confirmUser?" + q.Encode()
}

// verificationContact is where a sign-up code goes: the phone number when
// the pool verifies phone numbers and the user has one, else the email
// address likewise (Cognito "chooses to verify the phone number"). ok is
// false when the pool verifies neither of the user's contacts.
func verificationContact(r rules, u *User) (contact, bool) {
	for _, attr := range contactAttrs {
		if v := u.Attributes[attr]; v != "" && r.autoVerified(attr) {
			return contactOf(attr, v), true
		}
	}
	return contact{}, false
}

// simulatedDetails is the CodeDeliveryDetails given for a user that does
// not exist under PreventUserExistenceErrors: "determined by the input
// user name format and verification settings of the user pool" (developer
// guide, Managing error responses). A name that is an address or number
// is masked as it is; for a plain username the destination is derived
// from the name under a server key, so that asking twice gives the same
// answer, as it would for a real user.
func (s *Service) simulatedDetails(a *app, name string) *cognitoidp.CodeDeliveryDetailsType {
	switch {
	case isEmail(name):
		return contactOf(attrEmail, name).details()
	case isPhone(name):
		return contactOf(attrPhone, name).details()
	}
	mac := s.Keys.MAC("simulated-destination", []byte(*a.pool.Id+"\x00"+name))
	if a.rules.autoVerified(attrPhone) && !a.rules.autoVerified(attrEmail) {
		digits := make([]byte, 11)
		for i := range digits {
			digits[i] = '0' + mac[i]%10
		}
		return contactOf(attrPhone, "+"+string(digits)).details()
	}
	letter := func(b byte) string { return string(rune('a' + b%26)) }
	return contactOf(attrEmail, letter(mac[0])+"@"+letter(mac[1])).details()
}
