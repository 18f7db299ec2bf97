// CDK Cognito README: "Sign Up" (code verification, invitation, link verification).
const { Construct } = require('constructs');
const cognito = require('aws-cdk-lib/aws-cognito');
const { stack } = require('./common');

stack('UserPoolSignUp', (s) => {
  new cognito.UserPool(new Construct(s, 'Code'), 'myuserpool', {
    selfSignUpEnabled: true,
    userVerification: {
      emailSubject: 'Verify your email for our awesome app!',
      emailBody: 'Thanks for signing up to our awesome app! Your verification code is {####}',
      emailStyle: cognito.VerificationEmailStyle.CODE,
      smsMessage: 'Thanks for signing up to our awesome app! Your verification code is {####}',
    },
  });

  new cognito.UserPool(new Construct(s, 'Invitation'), 'myuserpool', {
    userInvitation: {
      emailSubject: 'Invite to join our awesome app!',
      emailBody: 'Hello {username}, you have been invited to join our awesome app! Your temporary password is {####}',
      smsMessage: 'Hello {username}, your temporary password for our awesome app is {####}',
    },
  });

  new cognito.UserPool(new Construct(s, 'Link'), 'myuserpool', {
    userVerification: {
      emailStyle: cognito.VerificationEmailStyle.LINK,
      emailSubject: 'Invite to join our awesome app!',
      emailBody: 'You have been invited to join our awesome app! {##Verify Your Email##}',
    },
  });
});
