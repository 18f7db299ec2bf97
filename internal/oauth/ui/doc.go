// Package ui holds the hosted UI's pages: html/template pages over one
// layout, and the style sheet they share, all embedded in the binary.
//
// The pages work without JavaScript (there is none: the domain's
// Content-Security-Policy allows no script), every input has a visible
// label, errors are announced (role="alert") and linked to the inputs
// they concern, and the layout is a single responsive column. The
// elements carry the class names of Cognito's classic hosted UI
// (banner-customizable, submitButton-customizable …), so a pool's
// UICustomization style sheet applies unchanged.
package ui
