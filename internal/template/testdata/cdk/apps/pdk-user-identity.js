// The PDK's identity constructs (@aws/pdk/identity): UserIdentity (a pool
// with MFA, a web client and an identity pool with its roles) and
// UserPoolWithMfa on its own.
const { CfnOutput } = require('aws-cdk-lib');
const { FeaturePlan } = require('aws-cdk-lib/aws-cognito');
const { UserIdentity, UserPoolWithMfa } = require('@aws/pdk/identity');
const { stack } = require('./common');

// UserPoolWithMfa turns advanced security on (ENFORCED), which Cognito's
// feature plans (since November 2024) allow only on the Plus plan, while
// a pool without a plan is on Essentials: deployed as the PDK writes it,
// CloudFormation fails with FeatureUnavailableInTierException, and so
// does cirro. The pools here ask for Plus; nothing else differs.
stack('PdkUserIdentity', (s) => {
  const identity = new UserIdentity(s, 'UserIdentity', {
    userPool: new UserPoolWithMfa(s, 'UserPool', { featurePlan: FeaturePlan.PLUS }),
  });
  new UserPoolWithMfa(s, 'MfaPool', { featurePlan: FeaturePlan.PLUS });
  new CfnOutput(s, 'UserPoolId', { value: identity.userPool.userPoolId });
  new CfnOutput(s, 'UserPoolClientId', { value: identity.userPoolClient.userPoolClientId });
  new CfnOutput(s, 'IdentityPoolId', { value: identity.identityPool.identityPoolId });
});
