package template

// request builds an API request from properties whose names are the
// request's members (most CloudFormation resources mirror their create
// call), then lets set fill in what the template does not say.
func request[T any](props any, set func(*T)) *T {
	out := new(T)
	if err := assign(out, props); err != nil {
		panic("template: " + err.Error()) // properties structs always marshal
	}
	if set != nil {
		set(out)
	}
	return out
}

// poolOf is the pool a pool's resource belongs to: recorded at creation,
// so that removal does not depend on properties.
func poolOf(x *rc) *string { return ptr(x.attrs[attrPoolID]) }
