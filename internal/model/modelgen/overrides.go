package main

// overrides corrects constraints of the models that the real service does
// not enforce, so that cirro accepts what Cognito accepts. Each entry says
// why; keep this list short and sourced.
var overrides = map[string]func(*shapeDef){
	// DomainType's pattern allows only a single DNS label, yet the model's
	// own documentation gives "auth.example.com" as a custom domain and
	// Cognito accepts fully qualified names (tflint-ruleset-aws issue 156).
	// Labels are checked by the domain rules in internal/pool.
	"DomainType": func(s *shapeDef) {
		p := `^[a-z0-9](?:[a-z0-9\-.]{0,61}[a-z0-9])?$`
		s.Pattern = &p
	},
}

func applyOverrides(m *model) {
	for name, fix := range overrides {
		if s, ok := m.Shapes[name]; ok {
			fix(s)
		}
	}
}
