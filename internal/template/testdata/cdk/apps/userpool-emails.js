// CDK Cognito README: "Emails".
const { Construct } = require('constructs');
const cognito = require('aws-cdk-lib/aws-cognito');
const { stack, dummyEnv } = require('./common');

stack('UserPoolEmails', (s) => {
  new cognito.UserPool(new Construct(s, 'WithCognito'), 'myuserpool', {
    email: cognito.UserPoolEmail.withCognito('support@myawesomeapp.com'),
  });

  new cognito.UserPool(new Construct(s, 'WithSes'), 'myuserpool', {
    email: cognito.UserPoolEmail.withSES({
      fromEmail: 'noreply@myawesomeapp.com',
      fromName: 'Awesome App',
      replyTo: 'support@myawesomeapp.com',
    }),
  });

  new cognito.UserPool(new Construct(s, 'SesRegion'), 'myuserpool', {
    email: cognito.UserPoolEmail.withSES({
      sesRegion: 'us-east-1',
      fromEmail: 'noreply@myawesomeapp.com',
      fromName: 'Awesome App',
      replyTo: 'support@myawesomeapp.com',
    }),
  });

  new cognito.UserPool(new Construct(s, 'SesDomain'), 'myuserpool', {
    email: cognito.UserPoolEmail.withSES({
      sesRegion: 'us-east-1',
      fromEmail: 'noreply@myawesomeapp.com',
      fromName: 'Awesome App',
      replyTo: 'support@myawesomeapp.com',
      sesVerifiedDomain: 'myawesomeapp.com',
    }),
  });

  new cognito.UserPool(new Construct(s, 'QuotedName'), 'myuserpool', {
    email: cognito.UserPoolEmail.withSES({
      fromEmail: 'noreply@myawesomeapp.com',
      fromName: 'myname@mycompany.com',
    }),
  });
  // withSES without sesRegion needs the stack's region.
}, { env: dummyEnv });
