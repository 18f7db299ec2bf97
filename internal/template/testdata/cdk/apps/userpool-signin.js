// CDK Cognito README: "Sign In", "Choice-based authentication".
const { Construct } = require('constructs');
const cognito = require('aws-cdk-lib/aws-cognito');
const { stack } = require('./common');

stack('UserPoolSignIn', (s) => {
  new cognito.UserPool(new Construct(s, 'Aliases'), 'myuserpool', {
    signInAliases: {
      username: true,
      email: true,
    },
  });

  new cognito.UserPool(new Construct(s, 'AutoVerify'), 'myuserpool', {
    signInAliases: { username: true, email: true },
    autoVerify: { email: true, phone: true },
  });

  const choice = new Construct(s, 'Choice');
  const userPool = new cognito.UserPool(choice, 'myuserpool', {
    signInPolicy: {
      allowedFirstAuthFactors: {
        password: true, // password authentication must be enabled
        emailOtp: true, // enables email message one-time password
        smsOtp: true,   // enables SMS message one-time password
        passkey: true,  // enables passkey sign-in
      },
    },
  });
  userPool.addClient('myclient', {
    authFlows: { user: true },
  });

  new cognito.UserPool(new Construct(s, 'PasskeyHosted'), 'myuserpool', {
    signInPolicy: {
      allowedFirstAuthFactors: { password: true, passkey: true },
    },
    passkeyRelyingPartyId: 'myclientname.auth.region-name.amazoncognito.com',
  });

  new cognito.UserPool(new Construct(s, 'PasskeyCustom'), 'myuserpool', {
    signInPolicy: {
      allowedFirstAuthFactors: { password: true, passkey: true },
    },
    passkeyRelyingPartyId: 'auth.example.com',
  });

  new cognito.UserPool(new Construct(s, 'PasskeyRequired'), 'myuserpool', {
    signInPolicy: {
      allowedFirstAuthFactors: { password: true, passkey: true },
    },
    passkeyRelyingPartyId: 'auth.example.com',
    passkeyUserVerification: cognito.PasskeyUserVerification.REQUIRED,
  });

  new cognito.UserPool(new Construct(s, 'PasswordOnly'), 'myuserpool', {
    signInPolicy: {
      allowedFirstAuthFactors: { password: true },
    },
    featurePlan: cognito.FeaturePlan.LITE,
  });
});
