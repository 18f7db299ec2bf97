package samlsp

import (
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
)

const bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

// checkAssertion applies the Web SSO profile's rules to a verified
// assertion: issuer, subject, bearer confirmation (recipient, time,
// InResponseTo), conditions (time, audience) and the solicited/unsolicited
// rule; then it flattens what the caller needs.
func (sp *SP) checkAssertion(resp *saml.Response, respSigned bool, as *saml.Assertion, ael *etree.Element, requestIDs []string, now time.Time) (*Assertion, error) {
	if as.ID == "" || as.Version != "2.0" {
		return nil, fail(ReasonMalformed, "Assertion without ID or not SAML 2.0")
	}
	if as.Issuer.Value != sp.idp.entityID {
		return nil, fail(ReasonIssuer, "Assertion Issuer is "+as.Issuer.Value)
	}
	if err := checkIssued(as.IssueInstant, now); err != nil {
		return nil, err
	}
	if as.Subject == nil || as.Subject.NameID == nil || strings.TrimSpace(as.Subject.NameID.Value) == "" {
		return nil, fail(ReasonMalformed, "Assertion without a NameID")
	}
	// The latest moment the assertion is acceptable: MaxAge after issue,
	// earlier if a condition says so.
	expiry := as.IssueInstant.Add(MaxAge)
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(expiry) {
			expiry = t
		}
	}

	// An unsigned Response's InResponseTo is only a claim: the signed
	// assertion decides, so that an unsolicited assertion cannot be
	// presented as an answer to someone's outstanding request.
	inResponseTo := ""
	if respSigned {
		inResponseTo = resp.InResponseTo
	}
	confirmed := false
	for _, sc := range as.Subject.SubjectConfirmations {
		if sc.Method != bearer {
			continue
		}
		d := sc.SubjectConfirmationData
		if d == nil {
			return nil, fail(ReasonMalformed, "bearer SubjectConfirmation without data")
		}
		if d.Recipient != sp.cfg.ACSURL {
			return nil, fail(ReasonDestination, "SubjectConfirmationData Recipient is "+d.Recipient)
		}
		if !d.NotBefore.IsZero() && now.Add(ClockSkew).Before(d.NotBefore) {
			return nil, fail(ReasonExpired, "SubjectConfirmationData not yet valid")
		}
		if !d.NotOnOrAfter.IsZero() && !now.Add(-ClockSkew).Before(d.NotOnOrAfter) {
			return nil, fail(ReasonExpired, "SubjectConfirmationData expired")
		}
		earlier(d.NotOnOrAfter)
		switch {
		case d.InResponseTo == "":
		case inResponseTo == "":
			inResponseTo = d.InResponseTo
		case inResponseTo != d.InResponseTo:
			return nil, fail(ReasonInResponseTo, "Response and SubjectConfirmationData disagree on InResponseTo")
		}
		confirmed = true
	}
	if !confirmed {
		return nil, fail(ReasonMalformed, "Assertion without a bearer SubjectConfirmation")
	}
	if resp.InResponseTo != "" && resp.InResponseTo != inResponseTo {
		return nil, fail(ReasonInResponseTo, "the unsigned Response claims an InResponseTo the assertion does not")
	}

	if c := as.Conditions; c != nil {
		if !c.NotBefore.IsZero() && now.Add(ClockSkew).Before(c.NotBefore) {
			return nil, fail(ReasonExpired, "Conditions not yet valid")
		}
		if !c.NotOnOrAfter.IsZero() && !now.Add(-ClockSkew).Before(c.NotOnOrAfter) {
			return nil, fail(ReasonExpired, "Conditions expired")
		}
		earlier(c.NotOnOrAfter)
	}
	if err := sp.checkAudience(ael); err != nil {
		return nil, err
	}

	switch {
	case inResponseTo == "" && !sp.cfg.IDPInit:
		return nil, fail(ReasonUnsolicited, "unsolicited response and IDPInit is off")
	case inResponseTo != "" && !slices.Contains(requestIDs, inResponseTo):
		return nil, fail(ReasonInResponseTo, "InResponseTo "+inResponseTo+" is not an outstanding request")
	}

	out := &Assertion{
		Issuer:       as.Issuer.Value,
		ResponseID:   resp.ID,
		AssertionID:  as.ID,
		InResponseTo: inResponseTo,
		NameID:       strings.TrimSpace(as.Subject.NameID.Value),
		NameIDFormat: as.Subject.NameID.Format,
		Attributes:   map[string][]string{},
		NotOnOrAfter: expiry,
	}
	if len(as.AuthnStatements) > 0 {
		out.SessionIndex = as.AuthnStatements[0].SessionIndex
	}
	for _, st := range as.AttributeStatements {
		for _, at := range st.Attributes {
			if at.Name == "" {
				continue
			}
			for _, v := range at.Values {
				out.Attributes[at.Name] = append(out.Attributes[at.Name], v.Value)
			}
		}
	}
	return out, nil
}

// checkAudience requires at least one AudienceRestriction, and our entity
// id in every one (restrictions are ANDed, audiences within one ORed).
func (sp *SP) checkAudience(ael *etree.Element) error {
	var restrictions []*etree.Element
	for _, c := range children(ael, nsAssertion, "Conditions") {
		restrictions = append(restrictions, children(c, nsAssertion, "AudienceRestriction")...)
	}
	if len(restrictions) == 0 {
		return fail(ReasonAudience, "Assertion has no AudienceRestriction")
	}
	for _, r := range restrictions {
		ok := false
		for _, a := range children(r, nsAssertion, "Audience") {
			if strings.TrimSpace(text(a)) == sp.cfg.EntityID {
				ok = true
			}
		}
		if !ok {
			return fail(ReasonAudience, "AudienceRestriction does not name "+sp.cfg.EntityID)
		}
	}
	return nil
}

// text is all the character data directly inside el. etree's Text stops at
// the first comment, and canonicalization drops comments, so a comment
// slipped into signed text must not shorten it.
func text(el *etree.Element) string {
	var b strings.Builder
	for _, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String()
}
