// Package wire is cirro's AWS JSON 1.1 edge: it turns HTTP requests into
// typed, validated and authorized operation inputs, calls the handler, and
// turns results and errors back into the bytes the AWS SDKs expect.
package wire
