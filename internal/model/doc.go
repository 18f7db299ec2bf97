// Package model is the vocabulary shared by the edges and the domain: the
// request, response and configuration shapes of the two Cognito APIs,
// generated from the AWS models (see modelgen). It holds data and its
// constraints only; it does no I/O.
//
// The domain stores configuration shapes (UserPoolType, UserPoolClientType …)
// as they are, so that Describe* returns exactly what Create*/Update* stored.
package model

//go:generate go run ./modelgen -models ../../../shared/aws-models -out . -errs ../errs
