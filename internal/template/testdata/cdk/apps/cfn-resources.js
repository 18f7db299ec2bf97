// The CloudFormation (L1) resources the CDK exposes as Cfn* constructs,
// every property of CfnUserPoolUser and CfnUserPoolClient, and the
// intrinsic functions and pseudo parameters cirro resolves.
const cdk = require('aws-cdk-lib');
const { Fn, Aws, CfnParameter, CfnCondition, CfnOutput } = cdk;
const cognito = require('aws-cdk-lib/aws-cognito');
const iam = require('aws-cdk-lib/aws-iam');
const { stack } = require('./common');

stack('CfnResources', (s) => {
  const stage = new CfnParameter(s, 'Stage', { type: 'String', default: 'dev', allowedValues: ['dev', 'prod'] });
  const callbacks = new CfnParameter(s, 'CallbackUrls', {
    type: 'CommaDelimitedList', default: 'https://app.example.com/cb,http://localhost:3000/cb',
  });
  const minLength = new CfnParameter(s, 'MinPasswordLength', { type: 'Number', default: 10, minValue: 6, maxValue: 99 });
  const prod = new CfnCondition(s, 'IsProd', { expression: Fn.conditionEquals(stage.valueAsString, 'prod') });

  const pool = new cognito.CfnUserPool(s, 'Pool', {
    userPoolName: Fn.sub('${AWS::StackName}-${Stage}-users'),
    aliasAttributes: ['email', 'preferred_username'],
    autoVerifiedAttributes: ['email'],
    deletionProtection: Fn.conditionIf(prod.logicalId, 'ACTIVE', 'INACTIVE').toString(),
    mfaConfiguration: 'OPTIONAL',
    enabledMfas: ['SOFTWARE_TOKEN_MFA'],
    policies: {
      passwordPolicy: {
        minimumLength: minLength.valueAsNumber,
        requireLowercase: true,
        requireNumbers: true,
        requireSymbols: false,
        requireUppercase: true,
        temporaryPasswordValidityDays: 5,
      },
    },
    schema: [
      { name: 'email', attributeDataType: 'String', required: true, mutable: true },
      { name: 'tenant', attributeDataType: 'String', mutable: true, stringAttributeConstraints: { minLength: '1', maxLength: '64' } },
      { name: 'level', attributeDataType: 'Number', mutable: true, numberAttributeConstraints: { minValue: '0', maxValue: '10' } },
    ],
    adminCreateUserConfig: {
      allowAdminCreateUserOnly: true,
      inviteMessageTemplate: {
        emailSubject: 'Welcome',
        emailMessage: 'Hello {username}, your password is {####}',
        smsMessage: 'Hello {username}, your password is {####}',
      },
    },
    verificationMessageTemplate: {
      defaultEmailOption: 'CONFIRM_WITH_LINK',
      emailMessageByLink: 'Click {##here##}',
      emailSubjectByLink: 'Verify',
    },
    usernameConfiguration: { caseSensitive: false },
    userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ['email'] },
    accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
    userPoolTags: { stage: stage.valueAsString, team: 'identity' },
    webAuthnRelyingPartyId: 'auth.example.com',
    webAuthnUserVerification: 'preferred',
    webAuthnFactorConfiguration: 'SINGLE_FACTOR',
  });

  const client = new cognito.CfnUserPoolClient(s, 'WebClient', {
    userPoolId: pool.ref,
    clientName: Fn.join('-', ['web', stage.valueAsString]),
    generateSecret: false,
    explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    allowedOAuthFlowsUserPoolClient: true,
    allowedOAuthFlows: ['code'],
    allowedOAuthScopes: ['openid', 'email', 'profile', 'api/read'],
    callbackUrLs: callbacks.valueAsList,
    logoutUrLs: [Fn.select(0, callbacks.valueAsList)],
    defaultRedirectUri: Fn.select(0, callbacks.valueAsList),
    supportedIdentityProviders: ['COGNITO'],
    accessTokenValidity: 2,
    idTokenValidity: 2,
    refreshTokenValidity: 10,
    tokenValidityUnits: { accessToken: 'hours', idToken: 'hours', refreshToken: 'days' },
    authSessionValidity: 5,
    enableTokenRevocation: true,
    enablePropagateAdditionalUserContextData: false,
    preventUserExistenceErrors: 'ENABLED',
    readAttributes: ['email', 'custom:tenant'],
    writeAttributes: ['email'],
  });

  const api = new cognito.CfnUserPoolResourceServer(s, 'Api', {
    userPoolId: pool.ref,
    identifier: 'api',
    name: 'API',
    scopes: [{ scopeName: 'read', scopeDescription: 'Read access' }, { scopeName: 'write', scopeDescription: 'Write access' }],
  });
  client.addDependency(api);

  const domain = new cognito.CfnUserPoolDomain(s, 'Domain', {
    userPoolId: pool.ref,
    domain: Fn.join('-', [stage.valueAsString, 'cfn-resources', Fn.select(2, Fn.split('-', 'a-b-auth'))]),
    managedLoginVersion: 2,
  });

  const groupRole = new iam.CfnRole(s, 'AdminsRole', {
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
  });
  const group = new cognito.CfnUserPoolGroup(s, 'Admins', {
    userPoolId: pool.ref,
    groupName: 'admins',
    description: 'Administrators',
    precedence: 0,
    roleArn: groupRole.attrArn,
  });

  const user = new cognito.CfnUserPoolUser(s, 'Alice', {
    userPoolId: pool.ref,
    username: 'alice',
    userAttributes: [
      { name: 'email', value: 'alice@example.com' },
      { name: 'email_verified', value: 'true' },
      { name: 'custom:tenant', value: 'acme' },
    ],
    desiredDeliveryMediums: ['EMAIL'],
    forceAliasCreation: false,
    messageAction: 'SUPPRESS',
    clientMetadata: { source: 'cfn' },
    validationData: [{ name: 'origin', value: 'template' }],
  });

  const attach = new cognito.CfnUserPoolUserToGroupAttachment(s, 'AliceIsAdmin', {
    userPoolId: pool.ref,
    groupName: group.ref,
    username: user.ref,
  });
  void attach;

  new cognito.CfnUserPoolUICustomizationAttachment(s, 'WebClientUi', {
    userPoolId: pool.ref,
    clientId: client.ref,
    css: '.banner-customizable { background-color: #336699; }',
  });

  new cognito.CfnLogDeliveryConfiguration(s, 'Logs', {
    userPoolId: pool.ref,
    logConfigurations: [{
      logLevel: 'ERROR',
      eventSource: 'userNotification',
      cloudWatchLogsConfiguration: { logGroupArn: Fn.sub('arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/cognito/${Stage}') },
    }],
  });

  const branding = new cognito.CfnManagedLoginBranding(s, 'Branding', {
    userPoolId: pool.ref,
    clientId: client.ref,
    useCognitoProvidedValues: true,
  });
  branding.addDependency(domain);

  new cognito.CfnTerms(s, 'Terms', {
    userPoolId: pool.ref,
    clientId: client.ref,
    termsName: 'terms-of-use',
    termsSource: 'LINK',
    enforcement: 'NONE',
    links: { 'cognito:default': 'https://example.com/terms', 'cognito:french': 'https://example.com/fr/conditions' },
  });

  new cognito.CfnUserPoolRiskConfigurationAttachment(s, 'Risk', {
    userPoolId: pool.ref,
    clientId: 'ALL',
    compromisedCredentialsRiskConfiguration: { actions: { eventAction: 'NO_ACTION' } },
  });

  const identityPool = new cognito.CfnIdentityPool(s, 'Identities', {
    identityPoolName: Fn.sub('${AWS::StackName}_identities'),
    allowUnauthenticatedIdentities: false,
    allowClassicFlow: false,
    cognitoIdentityProviders: [{
      clientId: client.ref,
      providerName: pool.attrProviderName,
      serverSideTokenCheck: true,
    }],
  });
  const authRole = new iam.CfnRole(s, 'AuthenticatedRole', {
    roleName: Fn.sub('${AWS::StackName}-authenticated'),
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
  });
  new cognito.CfnIdentityPoolRoleAttachment(s, 'IdentityRoles', {
    identityPoolId: identityPool.ref,
    roles: { authenticated: authRole.attrArn },
    roleMappings: {
      cognito: {
        type: 'Token',
        ambiguousRoleResolution: 'AuthenticatedRole',
        identityProvider: Fn.join(':', [pool.attrProviderName, client.ref]),
      },
    },
  });
  new cognito.CfnIdentityPoolPrincipalTag(s, 'PrincipalTags', {
    identityPoolId: identityPool.ref,
    identityProviderName: pool.attrProviderName,
    useDefaults: false,
    principalTags: { tenant: 'custom:tenant' },
  });

  new CfnOutput(s, 'UserPoolId', { value: pool.ref, exportName: Fn.sub('${AWS::StackName}-UserPoolId') });
  new CfnOutput(s, 'UserPoolArn', { value: pool.attrArn });
  new CfnOutput(s, 'ProviderUrl', { value: pool.attrProviderUrl });
  new CfnOutput(s, 'ClientId', { value: client.ref });
  new CfnOutput(s, 'DomainName', { value: domain.ref });
  new CfnOutput(s, 'CloudFront', { value: domain.attrCloudFrontDistribution });
  new CfnOutput(s, 'GroupName', { value: group.ref });
  new CfnOutput(s, 'Region', { value: Aws.REGION });
  new CfnOutput(s, 'HostedUi', { value: Fn.sub('https://${Domain}.auth.${AWS::Region}.${AWS::URLSuffix}/login?client_id=${WebClient}') });
  new CfnOutput(s, 'ProdOnly', { value: 'production', condition: prod });
  new CfnOutput(s, 'IdentityPoolId', { value: identityPool.ref });
});
