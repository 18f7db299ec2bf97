package api

import "github.com/cirrohq/cirro/internal/model/cognitoidp"

// deviceNotes lists device operations that are only partly done.
var deviceNotes = map[string]string{
	"ForgetDevice":      "the device's refresh tokens keep working until they expire (Cognito stops them)",
	"AdminForgetDevice": "the device's refresh tokens keep working until they expire (Cognito stops them)",
	"GetDevice":         "DeviceAttributes carry no dev:device_sdk",
	"AdminGetDevice":    "DeviceAttributes carry no dev:device_sdk",
	"ListDevices":       "DeviceAttributes carry no dev:device_sdk",
	"AdminListDevices":  "DeviceAttributes carry no dev:device_sdk",
}

func (a *API) registerDevices(h *cognitoidp.Handlers) {
	s := a.Devices
	h.ConfirmDevice = s.ConfirmDevice
	h.UpdateDeviceStatus = s.UpdateDeviceStatus
	h.AdminUpdateDeviceStatus = s.AdminUpdateDeviceStatus
	h.GetDevice = s.GetDevice
	h.AdminGetDevice = s.AdminGetDevice
	h.ListDevices = s.ListDevices
	h.AdminListDevices = s.AdminListDevices
	h.ForgetDevice = s.ForgetDevice
	h.AdminForgetDevice = s.AdminForgetDevice
}
