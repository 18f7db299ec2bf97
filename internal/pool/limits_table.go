package pool

// Cognito's API request-rate quotas, as data. Source: Amazon Cognito
// Developer Guide, "Quotas in Amazon Cognito", sections "Amazon Cognito user
// pools API operation categories and request rate quotas" and "Amazon
// Cognito identity pools (federated identities) API operation request rate
// quotas" (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html).

// Category names of the user pool quotas, as LimitDefinition's "Category"
// attribute spells them.
const (
	CategoryUserAuthentication     = "UserAuthentication"
	CategoryUserCreation           = "UserCreation"
	CategoryUserFederation         = "UserFederation"
	CategoryUserAccountRecovery    = "UserAccountRecovery"
	CategoryUserRead               = "UserRead"
	CategoryUserUpdate             = "UserUpdate"
	CategoryUserToken              = "UserToken"
	CategoryUserResourceRead       = "UserResourceRead"
	CategoryUserResourceUpdate     = "UserResourceUpdate"
	CategoryUserList               = "UserList"
	CategoryUserPoolRead           = "UserPoolRead"
	CategoryUserPoolUpdate         = "UserPoolUpdate"
	CategoryUserPoolResourceRead   = "UserPoolResourceRead"
	CategoryUserPoolResourceUpdate = "UserPoolResourceUpdate"
	CategoryUserPoolClientRead     = "UserPoolClientRead"
	CategoryUserPoolClientUpdate   = "UserPoolClientUpdate"
	CategoryClientAuthentication   = "ClientAuthentication"
	CategoryLimitManagement        = "LimitManagement"
)

// quotaCategory is a category's default quota (requests per second, for
// the whole account) and whether UpdateProvisionedLimit may raise it.
type quotaCategory struct {
	Default    int
	Adjustable bool
}

var quotaCategories = map[string]quotaCategory{
	CategoryUserAuthentication:     {120, true},
	CategoryUserCreation:           {50, true},
	CategoryUserFederation:         {25, true},
	CategoryUserAccountRecovery:    {30, false},
	CategoryUserRead:               {120, true},
	CategoryUserUpdate:             {25, false},
	CategoryUserToken:              {120, true},
	CategoryUserResourceRead:       {50, true},
	CategoryUserResourceUpdate:     {25, false},
	CategoryUserList:               {30, false},
	CategoryUserPoolRead:           {15, false},
	CategoryUserPoolUpdate:         {15, false},
	CategoryUserPoolResourceRead:   {20, false},
	CategoryUserPoolResourceUpdate: {15, false},
	CategoryUserPoolClientRead:     {15, false},
	CategoryUserPoolClientUpdate:   {15, false},
	CategoryClientAuthentication:   {150, false},
	CategoryLimitManagement:        {1, false},
}

// operationCategory is the category each cognito-idp operation counts
// towards. Operations absent from the guide's table (passkeys, terms,
// log delivery, client secrets, GetUserAuthFactors …) are not counted.
// The guide also lists AdminDeleteSoftwareToken (UserResourceUpdate) and
// GetClientToken (ClientAuthentication), which the API model does not
// have. UserFederation and ClientAuthentication are reached through the
// OAuth endpoints, not this API.
var operationCategory = map[string]string{
	"InitiateAuth":                CategoryUserAuthentication,
	"AdminInitiateAuth":           CategoryUserAuthentication,
	"RespondToAuthChallenge":      CategoryUserAuthentication, // see challengeResponses
	"AdminRespondToAuthChallenge": CategoryUserAuthentication, // see challengeResponses
	"GetTokensFromRefreshToken":   CategoryUserAuthentication,

	"SignUp":             CategoryUserCreation,
	"ConfirmSignUp":      CategoryUserCreation,
	"AdminCreateUser":    CategoryUserCreation,
	"AdminConfirmSignUp": CategoryUserCreation,

	"ChangePassword":         CategoryUserAccountRecovery,
	"ConfirmForgotPassword":  CategoryUserAccountRecovery,
	"ForgotPassword":         CategoryUserAccountRecovery,
	"AdminResetUserPassword": CategoryUserAccountRecovery,
	"AdminSetUserPassword":   CategoryUserAccountRecovery,

	"AdminGetUser":            CategoryUserRead,
	"AdminGetUserAuthFactors": CategoryUserRead,
	"GetUser":                 CategoryUserRead,

	"AdminAddUserToGroup":         CategoryUserUpdate,
	"AdminDeleteUserAttributes":   CategoryUserUpdate,
	"AdminUpdateUserAttributes":   CategoryUserUpdate,
	"AdminDeleteUser":             CategoryUserUpdate,
	"AdminDisableUser":            CategoryUserUpdate,
	"AdminEnableUser":             CategoryUserUpdate,
	"AdminLinkProviderForUser":    CategoryUserUpdate,
	"AdminDisableProviderForUser": CategoryUserUpdate,
	"VerifyUserAttribute":         CategoryUserUpdate,
	"DeleteUser":                  CategoryUserUpdate,
	"DeleteUserAttributes":        CategoryUserUpdate,
	"UpdateUserAttributes":        CategoryUserUpdate,
	"AdminUserGlobalSignOut":      CategoryUserUpdate,
	"GlobalSignOut":               CategoryUserUpdate,
	"AdminRemoveUserFromGroup":    CategoryUserUpdate,

	"RevokeToken": CategoryUserToken,

	"AdminGetDevice":                   CategoryUserResourceRead,
	"AdminListGroupsForUser":           CategoryUserResourceRead,
	"AdminListDevices":                 CategoryUserResourceRead,
	"GetDevice":                        CategoryUserResourceRead,
	"ListDevices":                      CategoryUserResourceRead,
	"GetUserAttributeVerificationCode": CategoryUserResourceRead,
	"ResendConfirmationCode":           CategoryUserResourceRead,
	"AdminListUserAuthEvents":          CategoryUserResourceRead,

	"AdminForgetDevice":            CategoryUserResourceUpdate,
	"AdminUpdateAuthEventFeedback": CategoryUserResourceUpdate,
	"AdminSetUserMFAPreference":    CategoryUserResourceUpdate,
	"AdminSetUserSettings":         CategoryUserResourceUpdate,
	"AdminUpdateDeviceStatus":      CategoryUserResourceUpdate,
	"UpdateDeviceStatus":           CategoryUserResourceUpdate,
	"UpdateAuthEventFeedback":      CategoryUserResourceUpdate,
	"ConfirmDevice":                CategoryUserResourceUpdate,
	"SetUserMFAPreference":         CategoryUserResourceUpdate,
	"SetUserSettings":              CategoryUserResourceUpdate,
	"VerifySoftwareToken":          CategoryUserResourceUpdate,
	"AssociateSoftwareToken":       CategoryUserResourceUpdate,
	"ForgetDevice":                 CategoryUserResourceUpdate,

	"ListUsers":        CategoryUserList,
	"ListUsersInGroup": CategoryUserList,

	"DescribeUserPool": CategoryUserPoolRead,
	"ListUserPools":    CategoryUserPoolRead,

	"CreateUserPool": CategoryUserPoolUpdate,
	"UpdateUserPool": CategoryUserPoolUpdate,
	"DeleteUserPool": CategoryUserPoolUpdate,

	"DescribeIdentityProvider":             CategoryUserPoolResourceRead,
	"DescribeResourceServer":               CategoryUserPoolResourceRead,
	"DescribeUserImportJob":                CategoryUserPoolResourceRead,
	"DescribeUserPoolDomain":               CategoryUserPoolResourceRead,
	"GetCSVHeader":                         CategoryUserPoolResourceRead,
	"GetGroup":                             CategoryUserPoolResourceRead,
	"GetSigningCertificate":                CategoryUserPoolResourceRead,
	"GetIdentityProviderByIdentifier":      CategoryUserPoolResourceRead,
	"GetUserPoolMfaConfig":                 CategoryUserPoolResourceRead,
	"ListGroups":                           CategoryUserPoolResourceRead,
	"ListIdentityProviders":                CategoryUserPoolResourceRead,
	"ListResourceServers":                  CategoryUserPoolResourceRead,
	"ListTagsForResource":                  CategoryUserPoolResourceRead,
	"ListUserImportJobs":                   CategoryUserPoolResourceRead,
	"DescribeRiskConfiguration":            CategoryUserPoolResourceRead,
	"GetUICustomization":                   CategoryUserPoolResourceRead,
	"DescribeManagedLoginBranding":         CategoryUserPoolResourceRead,
	"DescribeManagedLoginBrandingByClient": CategoryUserPoolResourceRead,

	"AddCustomAttributes":        CategoryUserPoolResourceUpdate,
	"CreateGroup":                CategoryUserPoolResourceUpdate,
	"CreateIdentityProvider":     CategoryUserPoolResourceUpdate,
	"CreateResourceServer":       CategoryUserPoolResourceUpdate,
	"CreateUserImportJob":        CategoryUserPoolResourceUpdate,
	"CreateUserPoolDomain":       CategoryUserPoolResourceUpdate,
	"DeleteGroup":                CategoryUserPoolResourceUpdate,
	"DeleteIdentityProvider":     CategoryUserPoolResourceUpdate,
	"DeleteResourceServer":       CategoryUserPoolResourceUpdate,
	"DeleteUserPoolDomain":       CategoryUserPoolResourceUpdate,
	"SetUserPoolMfaConfig":       CategoryUserPoolResourceUpdate,
	"StartUserImportJob":         CategoryUserPoolResourceUpdate,
	"StopUserImportJob":          CategoryUserPoolResourceUpdate,
	"UpdateGroup":                CategoryUserPoolResourceUpdate,
	"UpdateIdentityProvider":     CategoryUserPoolResourceUpdate,
	"UpdateResourceServer":       CategoryUserPoolResourceUpdate,
	"UpdateUserPoolDomain":       CategoryUserPoolResourceUpdate,
	"SetRiskConfiguration":       CategoryUserPoolResourceUpdate,
	"SetUICustomization":         CategoryUserPoolResourceUpdate,
	"TagResource":                CategoryUserPoolResourceUpdate,
	"UntagResource":              CategoryUserPoolResourceUpdate,
	"CreateManagedLoginBranding": CategoryUserPoolResourceUpdate,
	"UpdateManagedLoginBranding": CategoryUserPoolResourceUpdate,
	"DeleteManagedLoginBranding": CategoryUserPoolResourceUpdate,

	"DescribeUserPoolClient": CategoryUserPoolClientRead,
	"ListUserPoolClients":    CategoryUserPoolClientRead,

	"CreateUserPoolClient": CategoryUserPoolClientUpdate,
	"DeleteUserPoolClient": CategoryUserPoolClientUpdate,
	"UpdateUserPoolClient": CategoryUserPoolClientUpdate,

	"GetProvisionedLimit":    CategoryLimitManagement,
	"UpdateProvisionedLimit": CategoryLimitManagement,
}

// challengeResponses have their own allowance of three times the
// UserAuthentication quota; beyond it they count towards
// UserAuthentication itself ("operations with special request rate
// handling").
var challengeResponses = map[string]bool{
	"RespondToAuthChallenge":      true,
	"AdminRespondToAuthChallenge": true,
}

// identityOperationRate is the cognito-identity quota of each operation
// (requests per second): identity pools have no categories.
var identityOperationRate = map[string]int{
	"GetId":                              25,
	"GetOpenIdToken":                     200,
	"GetCredentialsForIdentity":          200,
	"GetOpenIdTokenForDeveloperIdentity": 50,
	"ListIdentities":                     5,
	"DeleteIdentities":                   10,
	"TagResource":                        5,
	"UntagResource":                      5,
	"ListTagsForResource":                10,
}
