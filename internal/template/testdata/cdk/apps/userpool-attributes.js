// CDK Cognito README: "Attributes", "Attribute verification".
const { Construct } = require('constructs');
const cognito = require('aws-cdk-lib/aws-cognito');
const { stack } = require('./common');

stack('UserPoolAttributes', (s) => {
  new cognito.UserPool(new Construct(s, 'Attributes'), 'myuserpool', {
    standardAttributes: {
      fullname: {
        required: true,
        mutable: false,
      },
      address: {
        required: false,
        mutable: true,
      },
    },
    customAttributes: {
      'myappid': new cognito.StringAttribute({ minLen: 5, maxLen: 15, mutable: false }),
      'callingcode': new cognito.NumberAttribute({ min: 1, max: 3, mutable: true }),
      'isEmployee': new cognito.BooleanAttribute({ mutable: true }),
      'joinedOn': new cognito.DateTimeAttribute(),
    },
  });

  new cognito.UserPool(new Construct(s, 'KeepOriginal'), 'myuserpool', {
    signInAliases: { username: true },
    autoVerify: { email: true, phone: true },
    keepOriginal: {
      email: true,
      phone: true,
    },
  });
});
