// CDK Cognito README: "Domains".
const { Construct } = require('constructs');
const { CfnOutput } = require('aws-cdk-lib');
const cognito = require('aws-cdk-lib/aws-cognito');
const certificatemanager = require('aws-cdk-lib/aws-certificatemanager');
const { stack } = require('./common');

stack('Domains', (s) => {
  const pool = new cognito.UserPool(s, 'Pool');
  pool.addDomain('CognitoDomain', {
    cognitoDomain: {
      domainPrefix: 'my-awesome-app',
    },
  });
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/11-3336f1-44483d-adc7-9cd375c5169d';
  const domainCert = certificatemanager.Certificate.fromCertificateArn(s, 'domainCert', certificateArn);
  pool.addDomain('CustomDomain', {
    customDomain: {
      domainName: 'user.myapp.com',
      certificate: domainCert,
    },
  });

  // The README adds both versions to one pool, which Cognito refuses (a
  // pool has one prefix domain): one pool each here.
  const versions = new Construct(s, 'Versions');
  const vpool = new cognito.UserPool(versions, 'Pool');
  const classicPool = new cognito.UserPool(versions, 'ClassicPool');
  vpool.addDomain('CognitoDomainWithBlandingDesignManagedLogin', {
    cognitoDomain: {
      domainPrefix: 'blanding-design-ui',
    },
    managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
  });
  classicPool.addDomain('DomainWithClassicHostedUi', {
    cognitoDomain: {
      domainPrefix: 'classic-hosted-ui',
    },
    managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
  });

  const signIn = new Construct(s, 'SignIn');
  const userpool = new cognito.UserPool(signIn, 'UserPool');
  const client = userpool.addClient('Client', {
    oAuth: {
      flows: {
        implicitCodeGrant: true,
      },
      callbackUrls: [
        'https://myapp.com/home',
        'https://myapp.com/users',
      ],
    },
  });
  const domain = userpool.addDomain('Domain', {
    cognitoDomain: { domainPrefix: 'sign-in-app' },
  });
  new CfnOutput(s, 'SignInUrl', {
    value: domain.signInUrl(client, { redirectUri: 'https://myapp.com/home' }),
  });
  cognito.UserPoolDomain.fromDomainName(s, 'my-user-pool-domain', 'domain-name');

  const cf = new Construct(s, 'CloudFront');
  const cfPool = new cognito.UserPool(cf, 'UserPool');
  const cfDomain = cfPool.addDomain('Domain', {
    cognitoDomain: {
      domainPrefix: 'my-cf-app',
    },
  });
  new CfnOutput(s, 'CloudFrontEndpoint', {
    value: cfDomain.cloudFrontEndpoint,
  });
  new CfnOutput(s, 'BaseUrl', { value: cfDomain.baseUrl() });
});
