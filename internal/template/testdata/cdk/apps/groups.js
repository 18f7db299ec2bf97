// CDK Cognito README: "User Pool Group".
const cognito = require('aws-cdk-lib/aws-cognito');
const iam = require('aws-cdk-lib/aws-iam');
const { stack } = require('./common');

stack('Groups', (s) => {
  const userPool = new cognito.UserPool(s, 'Pool');
  const role = new iam.Role(s, 'Role', { assumedBy: new iam.FederatedPrincipal('cognito-identity.amazonaws.com') });
  new cognito.UserPoolGroup(s, 'UserPoolGroup', {
    userPool,
    groupName: 'my-group-name',
    precedence: 1,
    role,
    description: 'members of my group',
  });
  userPool.addGroup('AnotherUserPoolGroup', {
    groupName: 'another-group-name',
  });
  userPool.addGroup('GeneratedNameGroup');
});
