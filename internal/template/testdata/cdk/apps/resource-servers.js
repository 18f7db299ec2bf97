// CDK Cognito README: "Resource Servers".
const cognito = require('aws-cdk-lib/aws-cognito');
const { stack } = require('./common');

stack('ResourceServers', (s) => {
  const pool = new cognito.UserPool(s, 'Pool');

  const readOnlyScope = new cognito.ResourceServerScope({ scopeName: 'read', scopeDescription: 'Read-only access' });
  const fullAccessScope = new cognito.ResourceServerScope({ scopeName: '*', scopeDescription: 'Full access' });

  const userServer = pool.addResourceServer('ResourceServer', {
    identifier: 'users',
    scopes: [readOnlyScope, fullAccessScope],
  });

  pool.addClient('read-only-client', {
    oAuth: {
      flows: { clientCredentials: true },
      scopes: [cognito.OAuthScope.resourceServer(userServer, readOnlyScope)],
    },
    generateSecret: true,
  });

  pool.addClient('full-access-client', {
    oAuth: {
      scopes: [cognito.OAuthScope.resourceServer(userServer, fullAccessScope)],
      callbackUrls: ['https://example.com/callback'],
    },
  });
});
