package request

import (
	"context"
	"net/http"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// Contacts gives the request form a signed-in resident's own name, phone
// and community, to pre-fill it (ok false: nothing known).
type Contacts interface {
	Contact(ctx context.Context) (name, phone, community string, ok bool)
}

// pickerField is the request form's field for the community: the picker
// chooses it, so nobody types a code.
const pickerField = "division_code"

// prefill puts a resident's own details into a new form's values.
func (h *Web) prefill(ctx context.Context, p *auth.Principal, vals map[string]string) {
	if p.Role != auth.Resident || h.S.Contacts == nil {
		return
	}
	if name, phone, community, ok := h.S.Contacts.Contact(ctx); ok {
		vals["contact_name"], vals["phone"] = name, phone
		if community != "" {
			vals[pickerField] = community
		}
	}
}

// picker fills the form's division picker from the request, defaulting
// to the chosen (or pre-filled) community.
func (h *Web) picker(r *http.Request, d *formData) error {
	if h.S.Places == nil {
		return nil
	}
	p, err := h.S.Places.FormPicker(r, pickerField, "picker.legend", d.Values[pickerField])
	if err != nil {
		return err
	}
	if d.Errors[pickerField] != "" {
		p.Error = "division.pick_a_community"
	}
	d.Picker = p
	return nil
}

// pickerStep: the form came back from one of the picker's own buttons.
func pickerStep(r *http.Request) bool { return division.PickerStep(r, pickerField) }
