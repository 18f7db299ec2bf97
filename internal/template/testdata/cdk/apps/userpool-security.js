// CDK Cognito README: "Security", "Multi-factor Authentication (MFA)",
// password policy, "Account Recovery Settings", "Advanced Security Mode",
// "Threat Protection".
const { Construct } = require('constructs');
const { Duration } = require('aws-cdk-lib');
const cognito = require('aws-cdk-lib/aws-cognito');
const iam = require('aws-cdk-lib/aws-iam');
const { stack } = require('./common');

stack('UserPoolSecurity', (s) => {
  const sms = new Construct(s, 'SmsRole');
  const poolSmsRole = new iam.Role(sms, 'userpoolsmsrole', {
    assumedBy: new iam.ServicePrincipal('foo'),
  });
  new cognito.UserPool(sms, 'myuserpool', {
    smsRole: poolSmsRole,
    smsRoleExternalId: 'c87467be-4f34-11ea-b77f-2e728ce88125',
  });

  new cognito.UserPool(new Construct(s, 'Mfa'), 'myuserpool', {
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: {
      sms: true,
      otp: true,
      email: false, // email-based MFA
    },
  });

  new cognito.UserPool(new Construct(s, 'Passwords'), 'myuserpool', {
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
  });

  new cognito.UserPool(new Construct(s, 'PasswordHistory'), 'myuserpool', {
    featurePlan: cognito.FeaturePlan.ESSENTIALS,
    passwordPolicy: { passwordHistorySize: 5 },
  });

  new cognito.UserPool(new Construct(s, 'Recovery'), 'UserPool', {
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
  });

  new cognito.UserPool(new Construct(s, 'Advanced'), 'myuserpool', {
    featurePlan: cognito.FeaturePlan.PLUS,
    advancedSecurityMode: cognito.AdvancedSecurityMode.ENFORCED,
  });

  new cognito.UserPool(new Construct(s, 'Threat'), 'myuserpool', {
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    customThreatProtectionMode: cognito.CustomThreatProtectionMode.AUDIT_ONLY,
  });
});
