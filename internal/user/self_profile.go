package user

import (
	"context"
	"slices"

	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// GetUser returns the signed-in user with the attributes its app client
// may read (ReadAttributes; all but developer-only ones when the client
// sets none) and its MFA settings.
func (s *SelfService) GetUser(ctx context.Context, in *cognitoidp.GetUserRequest) (*cognitoidp.GetUserResponse, error) {
	si, err := s.signIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	v := si.user.adminView()
	return &cognitoidp.GetUserResponse{
		Username:            v.Username,
		UserAttributes:      si.user.AttributesFor(si.client),
		MFAOptions:          v.MFAOptions,
		PreferredMfaSetting: v.PreferredMfaSetting,
		UserMFASettingList:  v.UserMFASettingList,
	}, nil
}

// UpdateUserAttributes changes the signed-in user's attributes under its
// app client's WriteAttributes. A changed email or phone number that the
// pool verifies gets a code (CodeDeliveryDetailsList); with
// AttributesRequireVerificationBeforeUpdate a verified value stays in
// place until the new one is verified (VerifyUserAttribute).
func (s *SelfService) UpdateUserAttributes(ctx context.Context, in *cognitoidp.UpdateUserAttributesRequest) (*cognitoidp.UpdateUserAttributesResponse, error) {
	si, err := s.signIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	details, err := s.Users.UpdateAttributesFor(ctx, si.claims.PoolID, si.claims.Sub, si.client, in.UserAttributes, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.UpdateUserAttributesResponse{CodeDeliveryDetailsList: details}, nil
}

// DeleteUserAttributes removes attributes of the signed-in user. It is an
// update to blank values ("To delete an attribute from the user, submit
// the attribute in your API request with a blank value", model,
// UpdateUserAttributes), so the same rules hold: the client must be
// allowed to write them, required and immutable attributes stay, and
// removing an email or phone number removes its verification and any
// change pending for it.
func (s *SelfService) DeleteUserAttributes(ctx context.Context, in *cognitoidp.DeleteUserAttributesRequest) (*cognitoidp.DeleteUserAttributesResponse, error) {
	si, err := s.signIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	blank := make([]cognitoidp.AttributeType, 0, len(in.UserAttributeNames))
	for _, name := range in.UserAttributeNames {
		blank = append(blank, cognitoidp.AttributeType{Name: ptr(name), Value: ptr("")})
	}
	if _, err := s.Users.UpdateAttributes(ctx, si.claims.PoolID, si.claims.Sub, si.client, blank); err != nil {
		return nil, err
	}
	return &cognitoidp.DeleteUserAttributesResponse{}, nil
}

// GetUserAttributeVerificationCode sends the signed-in user a code for
// its email or phone number, or for the value waiting to replace it.
func (s *SelfService) GetUserAttributeVerificationCode(ctx context.Context, in *cognitoidp.GetUserAttributeVerificationCodeRequest) (*cognitoidp.GetUserAttributeVerificationCodeResponse, error) {
	si, err := s.signIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	d, err := s.Users.SendAttributeCode(ctx, si.claims.PoolID, si.claims.Sub, *in.AttributeName, deref(si.client.ClientId), in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetUserAttributeVerificationCodeResponse{CodeDeliveryDetails: d}, nil
}

// VerifyUserAttribute checks a code sent for an email or phone number and
// marks the value verified, replacing the current one if it was pending.
func (s *SelfService) VerifyUserAttribute(ctx context.Context, in *cognitoidp.VerifyUserAttributeRequest) (*cognitoidp.VerifyUserAttributeResponse, error) {
	si, err := s.signIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(contactAttrs, *in.AttributeName) {
		// As GetUserAttributeVerificationCode answers: no code is ever
		// sent for another attribute, so none can be right.
		return nil, invalid("Only email and phone_number can be verified.")
	}
	if err := s.Users.VerifyAttribute(ctx, si.claims.PoolID, si.claims.Sub, *in.AttributeName, *in.Code); err != nil {
		return nil, err
	}
	return &cognitoidp.VerifyUserAttributeResponse{}, nil
}

// SetUserSettings is the legacy switch of SMS MFA, as AdminSetUserSettings
// for the signed-in user: "You can use it to configure only SMS MFA"
// (model).
func (s *SelfService) SetUserSettings(ctx context.Context, in *cognitoidp.SetUserSettingsRequest) (*cognitoidp.SetUserSettingsResponse, error) {
	si, err := s.signIn(ctx, in.AccessToken)
	if err != nil {
		return nil, err
	}
	// The username designates exactly this user: it is immutable and
	// unique in the pool.
	_, err = s.Users.AdminSetUserSettings(ctx, &cognitoidp.AdminSetUserSettingsRequest{
		UserPoolId: &si.claims.PoolID, Username: &si.user.Username, MFAOptions: in.MFAOptions,
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.SetUserSettingsResponse{}, nil
}

// DeleteUser deletes the signed-in user, as AdminDeleteUser does: group
// memberships and refresh tokens go with it, its tokens stop working, and
// its username and aliases are free at once.
func (s *SelfService) DeleteUser(ctx context.Context, in *cognitoidp.DeleteUserRequest) error {
	c, err := s.authenticate(ctx, in.AccessToken)
	if err != nil {
		return err
	}
	return s.Users.Store.Write(ctx, func(tx store.Tx) error {
		si, err := s.load(ctx, tx, c)
		if err != nil {
			return err
		}
		return s.Users.deleteUser(ctx, tx, si.user)
	})
}
