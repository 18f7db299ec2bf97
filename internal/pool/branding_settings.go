package pool

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
)

// hasSettings reports whether a request carries a Settings document.
func hasSettings(d shape.Document) bool {
	d = bytes.TrimSpace(d)
	return len(d) > 0 && !bytes.Equal(d, []byte("null"))
}

// checkBranding enforces what the model documents but cannot express:
// UseCognitoProvidedValues "true … you must also omit values for Settings
// and Assets", Settings is a JSON object, and an asset slot (category,
// color mode, resource id) is given once.
func checkBranding(useDefaults *bool, settings shape.Document, assets []cognitoidp.AssetType) error {
	if useDefaults != nil && *useDefaults && (hasSettings(settings) || len(assets) > 0) {
		return errs.New(errs.InvalidParameterException, "Settings and Assets must be omitted when UseCognitoProvidedValues is true.")
	}
	if hasSettings(settings) && bytes.TrimSpace(settings)[0] != '{' {
		return errs.New(errs.InvalidParameterException, "Settings must be a JSON object.")
	}
	seen := map[string]bool{}
	for _, a := range assets {
		k := assetSlot(a)
		if seen[k] {
			return errs.Newf(errs.InvalidParameterException, "Asset %s (%s) is given more than once.", *a.Category, *a.ColorMode)
		}
		seen[k] = true
	}
	return nil
}

// assetSlot identifies the place an asset fills in a style: one image per
// category and color mode, several identity-provider icons told apart by
// their resource id.
func assetSlot(a cognitoidp.AssetType) string {
	id := ""
	if a.ResourceId != nil {
		id = *a.ResourceId
	}
	return *a.Category + "\x00" + *a.ColorMode + "\x00" + id
}

func nonNilAssets(a []cognitoidp.AssetType) []cognitoidp.AssetType {
	if a == nil {
		return []cognitoidp.AssetType{}
	}
	return a
}

// applyBranding applies an update to a stored style (see
// UpdateManagedLoginBranding for the semantics).
func applyBranding(b *cognitoidp.ManagedLoginBrandingType, in *cognitoidp.UpdateManagedLoginBrandingRequest) error {
	if in.UseCognitoProvidedValues != nil && *in.UseCognitoProvidedValues {
		b.UseCognitoProvidedValues = ptr(true)
		b.Settings, b.Assets = nil, []cognitoidp.AssetType{}
		return nil
	}
	if hasSettings(in.Settings) {
		merged, err := mergeSettings(b.Settings, in.Settings)
		if err != nil {
			return err
		}
		b.Settings = merged
	}
	for _, a := range in.Assets {
		b.Assets = putAsset(b.Assets, a)
	}
	if in.UseCognitoProvidedValues != nil || hasSettings(in.Settings) || len(in.Assets) > 0 {
		// A customized style no longer is Cognito's default style.
		b.UseCognitoProvidedValues = ptr(false)
	}
	return nil
}

// putAsset replaces the asset in a's slot, or adds it.
func putAsset(list []cognitoidp.AssetType, a cognitoidp.AssetType) []cognitoidp.AssetType {
	for i := range list {
		if assetSlot(list[i]) == assetSlot(a) {
			list[i] = a
			return list
		}
	}
	return append(list, a)
}

// mergeSettings merges a Settings update into the stored document: objects
// merge key by key at every depth, any other value replaces the old one.
func mergeSettings(old, patch shape.Document) (shape.Document, error) {
	if !hasSettings(old) {
		return patch, nil
	}
	var o, p any
	if err := unmarshalNumbers(old, &o); err != nil {
		return nil, fmt.Errorf("stored branding settings: %w", err)
	}
	if err := unmarshalNumbers(patch, &p); err != nil {
		return nil, errs.New(errs.InvalidParameterException, "Settings must be a JSON object.")
	}
	return json.Marshal(mergeValue(o, p))
}

func mergeValue(old, patch any) any {
	om, ok1 := old.(map[string]any)
	pm, ok2 := patch.(map[string]any)
	if !ok1 || !ok2 {
		return patch
	}
	for k, v := range pm {
		om[k] = mergeValue(om[k], v)
	}
	return om
}

// unmarshalNumbers decodes JSON keeping numbers exactly as written.
func unmarshalNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}
