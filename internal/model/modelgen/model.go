package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// model is the part of a botocore service-2.json file that we use.
type model struct {
	Metadata struct {
		TargetPrefix     string `json:"targetPrefix"`
		EndpointPrefix   string `json:"endpointPrefix"`
		SigningName      string `json:"signingName"`
		ServiceFullName  string `json:"serviceFullName"`
		APIVersion       string `json:"apiVersion"`
		JSONVersion      string `json:"jsonVersion"`
		ServiceAbbrev    string `json:"serviceAbbreviation"`
		SignatureVersion string `json:"signatureVersion"`
	} `json:"metadata"`
	Operations map[string]*operation `json:"operations"`
	Shapes     map[string]*shapeDef  `json:"shapes"`
}

type operation struct {
	Name     string    `json:"name"`
	AuthType string    `json:"authtype"`
	Input    *shapeRef `json:"input"`
	Output   *shapeRef `json:"output"`
	Errors   []shapeRef
}

type shapeRef struct {
	Shape string `json:"shape"`
}

type member struct {
	Shape      string `json:"shape"`
	Deprecated bool   `json:"deprecated"`
}

type shapeDef struct {
	Type      string             `json:"type"`
	Members   map[string]*member `json:"members"`
	Required  []string           `json:"required"`
	Member    *shapeRef          `json:"member"`
	Key       *shapeRef          `json:"key"`
	Value     *shapeRef          `json:"value"`
	Min       *float64           `json:"min"`
	Max       *float64           `json:"max"`
	Pattern   *string            `json:"pattern"`
	Enum      []string           `json:"enum"`
	Sensitive bool               `json:"sensitive"`
	Exception bool               `json:"exception"`
	Fault     bool               `json:"fault"`
	Document  bool               `json:"document"`
	Error     *struct {
		HTTPStatusCode int `json:"httpStatusCode"`
	} `json:"error"`
}

func loadModel(path string) (*model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	applyOverrides(&m)
	if m.Metadata.TargetPrefix == "" {
		return nil, fmt.Errorf("%s: no targetPrefix: not an AWS JSON model", path)
	}
	return &m, nil
}

func (m *model) opNames() []string {
	names := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (m *model) shapeNames(kind string) []string {
	var names []string
	for n, s := range m.Shapes {
		if s.Type == kind {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// memberNames returns a structure's members in a stable order.
func (s *shapeDef) memberNames() []string {
	names := make([]string, 0, len(s.Members))
	for n := range s.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *shapeDef) isRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}
