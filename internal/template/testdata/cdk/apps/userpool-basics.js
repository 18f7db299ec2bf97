// CDK Cognito README: "User Pools", "User pool feature plans",
// "Device Tracking", "Deletion protection", "Importing User Pools".
const { Construct } = require('constructs');
const cognito = require('aws-cdk-lib/aws-cognito');
const iam = require('aws-cdk-lib/aws-iam');
const { stack } = require('./common');

stack('UserPoolBasics', (s) => {
  new cognito.UserPool(new Construct(s, 'Named'), 'myuserpool', {
    userPoolName: 'myawesomeapp-userpool',
    signInCaseSensitive: false, // case insensitive is preferred in most situations
  });

  const grant = new Construct(s, 'Grant');
  const userPool = new cognito.UserPool(grant, 'myuserpool');
  const role = new iam.Role(grant, 'role', {
    assumedBy: new iam.ServicePrincipal('foo'),
  });
  userPool.grant(role, 'cognito-idp:AdminCreateUser');

  new cognito.UserPool(new Construct(s, 'Lite'), 'myuserpool', { featurePlan: cognito.FeaturePlan.LITE });
  new cognito.UserPool(new Construct(s, 'Essentials'), 'myuserpool', { featurePlan: cognito.FeaturePlan.ESSENTIALS });
  new cognito.UserPool(new Construct(s, 'Plus'), 'myuserpool', { featurePlan: cognito.FeaturePlan.PLUS });

  new cognito.UserPool(new Construct(s, 'Devices'), 'myuserpool', {
    deviceTracking: {
      challengeRequiredOnNewDevice: true,
      deviceOnlyRememberedOnUserPrompt: true,
    },
  });

  new cognito.UserPool(new Construct(s, 'Protected'), 'UserPool', {
    deletionProtection: true,
  });

  // Imported pools create nothing.
  cognito.UserPool.fromUserPoolId(s, 'awesome-user-pool', 'us-east-1_oiuR12Abd');
  cognito.UserPool.fromUserPoolArn(s, 'other-awesome-user-pool',
    'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/us-east-1_mtRyYQ14D');
});
