// CDK Cognito README: "App Clients", "Analytics Configuration".
const { Construct } = require('constructs');
const { Duration } = require('aws-cdk-lib');
const cognito = require('aws-cdk-lib/aws-cognito');
const iam = require('aws-cdk-lib/aws-iam');
const pinpoint = require('aws-cdk-lib/aws-pinpoint');
const { stack } = require('./common');

stack('AppClients', (s) => {
  const basic = new Construct(s, 'Basic');
  const pool = new cognito.UserPool(basic, 'pool');
  const client = pool.addClient('customer-app-client');
  new (require('aws-cdk-lib').CfnOutput)(s, 'ClientId', { value: client.userPoolClientId });

  const importedPool = cognito.UserPool.fromUserPoolId(s, 'imported-pool', 'us-east-1_oiuR12Abd');
  void importedPool; // a client on an imported pool needs that pool to exist: not synthesized here

  const p = new cognito.UserPool(s, 'Pool');
  p.addClient('auth-flows', {
    authFlows: {
      userPassword: true,
      userSrp: true,
    },
  });
  p.addClient('custom-and-user', {
    authFlows: { custom: true, user: true, adminUserPassword: true },
  });
  p.addClient('code-grant', {
    oAuth: {
      flows: {
        authorizationCodeGrant: true,
      },
      scopes: [cognito.OAuthScope.OPENID],
      callbackUrls: ['https://my-app-domain.com/welcome'],
      logoutUrls: ['https://my-app-domain.com/signin'],
    },
  });
  p.addClient('default-redirect', {
    oAuth: {
      flows: {
        authorizationCodeGrant: true,
      },
      scopes: [cognito.OAuthScope.OPENID],
      defaultRedirectUri: 'https://my-app-domain.com/welcome',
      callbackUrls: ['https://my-app-domain.com/welcome', 'https://my-app-domain.com/hello'],
      logoutUrls: ['https://my-app-domain.com/signin'],
    },
  });
  p.addClient('implicit', {
    oAuth: {
      flows: { implicitCodeGrant: true },
      scopes: [cognito.OAuthScope.EMAIL, cognito.OAuthScope.PHONE, cognito.OAuthScope.PROFILE, cognito.OAuthScope.COGNITO_ADMIN],
      callbackUrls: ['https://myapp.com/home', 'https://myapp.com/users'],
    },
  });
  p.addClient('client-credentials', {
    generateSecret: true,
    oAuth: {
      flows: { clientCredentials: true },
      scopes: [cognito.OAuthScope.custom('https://resource.example.com/read')],
    },
  }).node.addDependency(p.addResourceServer('Api', {
    identifier: 'https://resource.example.com',
    userPoolResourceServerName: 'resource',
    scopes: [new cognito.ResourceServerScope({ scopeName: 'read', scopeDescription: 'read' })],
  }));
  p.addClient('no-oauth', { disableOAuth: true });
  p.addClient('prevent-errors', {
    preventUserExistenceErrors: true,
  });
  p.addClient('session', {
    authSessionValidity: Duration.minutes(15),
  });
  p.addClient('tokens', {
    accessTokenValidity: Duration.minutes(60),
    idTokenValidity: Duration.minutes(60),
    refreshTokenValidity: Duration.days(30),
  });
  const clientWriteAttributes = (new cognito.ClientAttributes())
    .withStandardAttributes({ fullname: true, email: true })
    .withCustomAttributes('favoritePizza', 'favoriteBeverage');
  const clientReadAttributes = clientWriteAttributes
    .withStandardAttributes({ emailVerified: true })
    .withCustomAttributes('pointsEarned');
  const attrPool = new cognito.UserPool(s, 'AttributePool', {
    customAttributes: {
      favoritePizza: new cognito.StringAttribute({ mutable: true }),
      favoriteBeverage: new cognito.StringAttribute({ mutable: true }),
      pointsEarned: new cognito.NumberAttribute({ mutable: true }),
    },
  });
  attrPool.addClient('attributes', {
    readAttributes: clientReadAttributes,
    writeAttributes: clientWriteAttributes,
  });
  p.addClient('revocation', {
    enableTokenRevocation: true,
  });
  const secretClient = new cognito.UserPoolClient(s, 'UserPoolClient', {
    userPool: p,
    generateSecret: true,
  });
  new (require('aws-cdk-lib').CfnOutput)(s, 'ClientSecret', { value: secretClient.userPoolClientSecret.unsafeUnwrap() });
  new cognito.UserPoolClient(s, 'ContextDataClient', {
    userPool: p,
    generateSecret: true,
    enablePropagateAdditionalUserContextData: true,
  });
  p.addClient('rotation', {
    refreshTokenRotationGracePeriod: Duration.seconds(40),
  });

  // Identity providers named by clients ("not yet" in cirro: see the report).
  const idp = new Construct(s, 'Providers');
  const idpPool = new cognito.UserPool(idp, 'Pool');
  const provider = new cognito.UserPoolIdentityProviderAmazon(idp, 'Amazon', {
    userPool: idpPool,
    clientId: 'amzn-client-id',
    clientSecret: 'amzn-client-secret',
  });
  const idpClient = idpPool.addClient('app-client', {
    supportedIdentityProviders: [
      cognito.UserPoolClientIdentityProvider.AMAZON,
      cognito.UserPoolClientIdentityProvider.COGNITO,
    ],
  });
  idpClient.node.addDependency(provider);
  idpPool.addClient('all-providers');

  const analytics = new Construct(s, 'Analytics');
  const pinpointApp = new pinpoint.CfnApp(analytics, 'App', { name: 'awesome' });
  const pinpointRole = new iam.Role(analytics, 'Role', { assumedBy: new iam.ServicePrincipal('cognito-idp.amazonaws.com') });
  new cognito.UserPoolClient(analytics, 'SameAccount', {
    userPool: p,
    analytics: { application: pinpointApp, shareUserData: true },
  });
  new cognito.UserPoolClient(analytics, 'OtherAccount', {
    userPool: p,
    analytics: {
      applicationId: pinpointApp.ref,
      externalId: 'sample-external-id',
      role: pinpointRole,
      shareUserData: true,
    },
  });
});
