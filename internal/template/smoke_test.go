package template_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/template"
)

func TestSmoke(t *testing.T) {
	files, _ := filepath.Glob("testdata/fixtures/*.json")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c := cirrotest.Start(t)
			srv := c.Internal()
			data, _ := os.ReadFile(f)
			tpl, err := template.Parse(f, data)
			if err != nil {
				t.Fatal(err)
			}
			var log []string
			e := &template.Engine{
				Cloud:  template.NewLocal(srv.API.IdentityProvider(), srv.API.Identity()),
				States: &template.StoreStates{Store: srv.Store, Clock: clockReal{}},
				Env:    template.Env{Region: "us-east-1", AccountID: "123456789012"},
				Log:    func(l string) { log = append(log, l) },
			}
			stack := strings.TrimSuffix(filepath.Base(f), ".template.json")
			res, err := e.Apply(context.Background(), stack, tpl, nil, false)
			t.Log(strings.Join(log, "\n"))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range res.Outputs {
				t.Logf("output %s = %s", o.Key, o.Value)
			}
		})
	}
}
