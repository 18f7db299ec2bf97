// CDK Cognito README: "Lambda Triggers", "Trigger Permissions".
const path = require('path');
const { Construct } = require('constructs');
const cognito = require('aws-cdk-lib/aws-cognito');
const iam = require('aws-cdk-lib/aws-iam');
const lambda = require('aws-cdk-lib/aws-lambda');
const { stack } = require('./common');

const fn = (scope, id) => new lambda.Function(scope, id, {
  runtime: lambda.Runtime.NODEJS_LATEST,
  handler: 'index.handler',
  code: lambda.Code.fromAsset(path.join(__dirname, 'lambda')),
});

stack('UserPoolTriggers', (s) => {
  const triggers = new Construct(s, 'Triggers');
  const authChallengeFn = fn(triggers, 'authChallengeFn');
  const userpool = new cognito.UserPool(triggers, 'myuserpool', {
    lambdaTriggers: {
      createAuthChallenge: authChallengeFn,
    },
  });
  userpool.addTrigger(cognito.UserPoolOperation.USER_MIGRATION, fn(triggers, 'userMigrationFn'));
  const preTokenGenerationFn = fn(triggers, 'preTokenGenerationFn');
  userpool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, preTokenGenerationFn, cognito.LambdaVersion.V2_0);

  const perms = new Construct(s, 'Permissions');
  const postAuthFn = fn(perms, 'postAuthFn');
  const pool = new cognito.UserPool(perms, 'myuserpool', {
    lambdaTriggers: {
      postAuthentication: postAuthFn,
    },
  });
  // provide permissions to describe the user pool scoped to the ARN the user pool
  postAuthFn.role?.attachInlinePolicy(new iam.Policy(perms, 'userpool-policy', {
    statements: [new iam.PolicyStatement({
      actions: ['cognito-idp:DescribeUserPool'],
      resources: [pool.userPoolArn],
    })],
  }));
});
