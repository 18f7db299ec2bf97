// Shared by the fixture apps: one stack per app, synthesized without an
// AWS account. Stacks are environment-agnostic where the constructs allow
// it, so the templates keep AWS::Region and AWS::AccountId as pseudo
// parameters for cirro to resolve; an app whose constructs need a region
// passes a dummy env (no account is ever contacted).
const cdk = require('aws-cdk-lib');

exports.dummyEnv = { account: '123456789012', region: 'us-east-1' };

exports.stack = (name, build, props) => {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, name, props);
  build(stack);
  app.synth();
};
