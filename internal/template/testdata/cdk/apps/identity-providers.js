// CDK Cognito README: "Identity Providers", "email_verified Attribute Mapping".
const { Construct } = require('constructs');
const cognito = require('aws-cdk-lib/aws-cognito');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const { stack } = require('./common');

stack('IdentityProviders', (s) => {
  const amazon = new Construct(s, 'Amazon');
  new cognito.UserPoolIdentityProviderAmazon(amazon, 'Amazon', {
    clientId: 'amzn-client-id',
    clientSecret: 'amzn-client-secret',
    userPool: new cognito.UserPool(amazon, 'Pool'),
  });

  const google = new Construct(s, 'Google');
  const secret = secretsmanager.Secret.fromSecretAttributes(google, 'CognitoClientSecret', {
    // The README's 'arn:aws:secretsmanager:xxx:xxx:secret:xxx-xxx' is refused by
    // current CDK releases (no 6-character suffix).
    secretCompleteArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cognito-client-AbCdEf',
  }).secretValue;
  new cognito.UserPoolIdentityProviderGoogle(google, 'Google', {
    clientId: 'amzn-client-id',
    clientSecretValue: secret,
    userPool: new cognito.UserPool(google, 'Pool'),
  });

  const saml = new Construct(s, 'Saml');
  const samlPool = new cognito.UserPool(saml, 'Pool');
  const samlFile = new cognito.UserPoolIdentityProviderSaml(saml, 'userpoolIdpFile', {
    userPool: samlPool,
    metadata: cognito.UserPoolIdentityProviderSamlMetadata.file('my-file-contents'),
    encryptedResponses: true,
    requestSigningAlgorithm: cognito.SigningAlgorithm.RSA_SHA256,
    idpInitiated: true,
  });
  // A client that signs in through the provider: its name is a Ref to
  // the provider, which orders the two.
  samlPool.addClient('Client', {
    supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.custom(samlFile.providerName)],
    oAuth: { callbackUrls: ['https://app.example.com/callback'] },
  });
  new cognito.UserPoolIdentityProviderSaml(saml, 'userpoolidpUrl', {
    userPool: samlPool,
    metadata: cognito.UserPoolIdentityProviderSamlMetadata.url('https://my-metadata-url.com'),
  });

  const mapping = new Construct(s, 'Mapping');
  new cognito.UserPoolIdentityProviderAmazon(mapping, 'Amazon', {
    clientId: 'amzn-client-id',
    clientSecret: 'amzn-client-secret',
    userPool: new cognito.UserPool(mapping, 'Pool'),
    attributeMapping: {
      email: cognito.ProviderAttribute.AMAZON_EMAIL,
      website: cognito.ProviderAttribute.other('url'),
      custom: {
        uniqueId: cognito.ProviderAttribute.AMAZON_USER_ID,
      },
    },
  });

  const verified = new Construct(s, 'EmailVerified');
  new cognito.UserPoolIdentityProviderGoogle(verified, 'google', {
    userPool: new cognito.UserPool(verified, 'Pool'),
    clientId: 'google-client-id',
    // The README leaves the secret out, which current CDK releases refuse.
    clientSecretValue: require('aws-cdk-lib').SecretValue.unsafePlainText('google-client-secret'),
    attributeMapping: {
      email: cognito.ProviderAttribute.GOOGLE_EMAIL,
      emailVerified: cognito.ProviderAttribute.GOOGLE_EMAIL_VERIFIED,
    },
  });

  const oidc = new Construct(s, 'Oidc');
  const oidcPool = new cognito.UserPool(oidc, 'Pool');
  const oidcProvider = new cognito.UserPoolIdentityProviderOidc(oidc, 'Oidc', {
    userPool: oidcPool,
    name: 'MyOidc',
    clientId: 'oidc-client-id',
    clientSecret: 'oidc-client-secret',
    issuerUrl: 'https://issuer.example.com',
  });
  // The README's advice for a provider named by a plain string: the
  // client must depend on it, or CloudFormation may create it first.
  const oidcClient = oidcPool.addClient('Client', {
    supportedIdentityProviders: [
      cognito.UserPoolClientIdentityProvider.custom('MyOidc'),
      cognito.UserPoolClientIdentityProvider.COGNITO,
    ],
    oAuth: { callbackUrls: ['https://app.example.com/callback'] },
  });
  oidcClient.node.addDependency(oidcProvider);

  const apple = new Construct(s, 'Apple');
  new cognito.UserPoolIdentityProviderApple(apple, 'Apple', {
    userPool: new cognito.UserPool(apple, 'Pool'),
    clientId: 'com.example.app',
    teamId: 'TEAMID1234',
    keyId: 'KEYID12345',
    privateKeyValue: require('aws-cdk-lib').SecretValue.unsafePlainText('-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----'),
  });

  const facebook = new Construct(s, 'Facebook');
  new cognito.UserPoolIdentityProviderFacebook(facebook, 'Facebook', {
    userPool: new cognito.UserPool(facebook, 'Pool'),
    clientId: 'facebook-client-id',
    clientSecret: 'facebook-client-secret',
  });
});
