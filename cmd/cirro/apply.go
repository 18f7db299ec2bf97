package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/server"
	"github.com/cirrohq/cirro/internal/template"
	"github.com/cirrohq/cirro/internal/template/remote"
)

// templateFlags are the template options of `serve` and `apply`.
type templateFlags struct {
	files  listFlag
	params listFlag
	lambda listFlag
}

// templateFlagsFor registers serve's template flags.
func templateFlagsFor(fs *flag.FlagSet) *templateFlags {
	tf := fileFlagsFor(fs)
	fs.Var(&tf.lambda, "lambda", "route a template's Lambda function to a Lambda Invoke API endpoint: LogicalId=URL; repeatable")
	return tf
}

// fileFlagsFor registers --template and --parameter. A running server
// routes triggers by its own configuration, so apply has no --lambda.
func fileFlagsFor(fs *flag.FlagSet) *templateFlags {
	tf := &templateFlags{}
	fs.Var(&tf.files, "template", "CloudFormation template (JSON or YAML, as cdk synth writes) to apply; repeatable. "+
		"The stack is named after the file: MyStack.template.json is MyStack")
	fs.Var(&tf.params, "parameter", "template parameter Key=Value; repeatable")
	return tf
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// stackTemplate is one --template: the stack it applies to.
type stackTemplate struct {
	stack  string
	file   string
	tpl    *template.Template
	params map[string]string
}

// load parses every template (before anything starts, so that a broken
// one stops cirro at once) and hands each the parameters it declares.
func (tf *templateFlags) load() ([]stackTemplate, error) {
	params, err := keyValues("--parameter", tf.params)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var out []stackTemplate
	for _, f := range tf.files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		tpl, err := template.Parse(f, data)
		if err != nil {
			return nil, err
		}
		st := stackTemplate{stack: stackNameOf(f), file: f, tpl: tpl, params: map[string]string{}}
		if err := template.CheckStackName(st.stack); err != nil {
			return nil, fmt.Errorf("%s: %w (rename the file)", f, err)
		}
		for k, v := range params {
			if _, ok := tpl.Parameters[k]; ok {
				st.params[k], used[k] = v, true
			}
		}
		out = append(out, st)
	}
	for k := range params {
		if !used[k] {
			return nil, fmt.Errorf("--parameter %s: no template declares it", k)
		}
	}
	return out, nil
}

// lambdas parses --lambda into logical id → endpoint.
func (tf *templateFlags) lambdas() (map[string]string, error) {
	return keyValues("--lambda", tf.lambda)
}

// routeLambdas adds a trigger route for every --lambda: the function's
// ARN in its stack, to the Lambda Invoke API at the endpoint given.
func routeLambdas(cfg *config.Config, tpls []stackTemplate, lambdas map[string]string) error {
	env := template.Env{Region: cfg.Region, AccountID: cfg.AccountID}
	found := map[string]bool{}
	for _, st := range tpls {
		arns, err := template.FunctionARNs(st.tpl, st.stack, env, st.params)
		if err != nil {
			return fmt.Errorf("%s: %w", st.file, err)
		}
		for id, arn := range arns {
			if ep, ok := lambdas[id]; ok {
				found[id] = true
				cfg.Triggers.Functions = append(cfg.Triggers.Functions,
					config.TriggerFunction{ARN: arn, Lambda: &config.LambdaEndpoint{Endpoint: ep}})
			}
		}
	}
	for id := range lambdas {
		if !found[id] {
			return fmt.Errorf("--lambda %s: no template has a Lambda function with that logical id", id)
		}
	}
	return nil
}

// applyTemplates applies `serve --template` files in-process, once the
// server is assembled and before it listens.
func applyTemplates(ctx context.Context, srv *server.Server, tpls []stackTemplate, lambdas map[string]string, log *slog.Logger) error {
	if len(tpls) == 0 {
		return nil
	}
	host, _ := os.Hostname()
	e := &template.Engine{
		Cloud:   template.NewLocal(srv.API.IdentityProvider(), srv.API.Identity()),
		States:  &template.StoreStates{Store: srv.Store, Clock: clock.Real{}, Keys: srv.Keys},
		Env:     template.Env{Region: srv.Config.Region, AccountID: srv.Config.AccountID, PublicURL: srv.Config.PublicURL},
		Lambdas: lambdas,
		Owner:   fmt.Sprintf("cirro serve on %s (pid %d)", host, os.Getpid()),
	}
	for _, st := range tpls {
		e.Log = func(line string) { log.Info(line, "stack", st.stack) }
		res, err := e.Apply(ctx, st.stack, st.tpl, st.params, false)
		var cleanup *template.CleanupError
		if errors.As(err, &cleanup) {
			log.Warn(err.Error(), "stack", st.stack)
		} else if err != nil {
			return fmt.Errorf("template %s: %w", st.file, err)
		}
		for _, o := range res.Outputs {
			log.Info("output", "stack", st.stack, "key", o.Key, "value", o.Value)
		}
	}
	return nil
}

// stackNameOf names a stack after its template file, as `cdk synth`
// names the file after the stack.
func stackNameOf(file string) string {
	base := filepath.Base(file)
	for _, ext := range []string{".template.json", ".template.yaml", ".template.yml", ".json", ".yaml", ".yml"} {
		if strings.HasSuffix(base, ext) {
			return strings.TrimSuffix(base, ext)
		}
	}
	return base
}

func keyValues(flagName string, list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: want Key=Value", flagName, kv)
		}
		out[k] = v
	}
	return out, nil
}

// remoteFlags are how apply, export and outputs reach a running server.
type remoteFlags struct {
	endpoint *string
	region   *string
}

func remoteFlagsFor(fs *flag.FlagSet) remoteFlags {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	return remoteFlags{
		endpoint: fs.String("endpoint", os.Getenv("CIRRO_ENDPOINT"), "base URL of the running cirro (default $CIRRO_ENDPOINT)"),
		region:   fs.String("region", region, "region requests are signed for ($AWS_REGION when set)"),
	}
}

// awsConfig loads credentials the AWS way (environment, shared files) for
// the server at --endpoint.
func (r remoteFlags) awsConfig(ctx context.Context) (aws.Config, error) {
	if *r.endpoint == "" {
		return aws.Config{}, errors.New("--endpoint is required (the URL of a running cirro)")
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(*r.region))
	if err != nil {
		return aws.Config{}, err
	}
	cfg.BaseEndpoint = aws.String(*r.endpoint)
	return cfg, nil
}

// runApply is `cirro apply`: it makes a running server's configuration
// match templates, through signed admin calls.
func runApply(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	tf := fileFlagsFor(fs)
	stackName := fs.String("stack-name", "", "stack to apply to (default: named after the template file; only with one --template)")
	dryRun := fs.Bool("dry-run", false, "print the plan and change nothing")
	rf := remoteFlagsFor(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(tf.files) == 0 {
		return errors.New("--template is required")
	}
	if *stackName != "" && len(tf.files) > 1 {
		return errors.New("--stack-name names the stack of a single --template")
	}
	tpls, err := tf.load()
	if err != nil {
		return err
	}
	if *stackName != "" {
		if err := template.CheckStackName(*stackName); err != nil {
			return err
		}
		tpls[0].stack = *stackName
	}
	cfg, err := rf.awsConfig(ctx)
	if err != nil {
		return err
	}
	states := remote.NewStates(cfg)
	host, _ := os.Hostname()
	for _, st := range tpls {
		env, err := states.Env(ctx, st.stack)
		if err != nil {
			return err
		}
		e := &template.Engine{
			Cloud: remote.NewCloud(cfg), States: states, Env: env,
			Owner: fmt.Sprintf("cirro apply on %s (pid %d)", host, os.Getpid()),
			Log:   func(line string) { fmt.Fprintln(stdout, "  "+line) },
		}
		if *dryRun {
			pl, err := e.Plan(ctx, st.stack, st.tpl, st.params)
			if err != nil {
				return err
			}
			pl.Render(stdout)
			continue
		}
		res, err := e.Apply(ctx, st.stack, st.tpl, st.params, false)
		var cleanup *template.CleanupError
		if err != nil && !errors.As(err, &cleanup) {
			return err
		}
		res.Plan.Render(stdout)
		printOutputs(stdout, res.Outputs)
		if err != nil {
			return err
		}
	}
	return nil
}

func printOutputs(w io.Writer, outs []template.OutputValue) {
	slices.SortFunc(outs, func(a, b template.OutputValue) int { return strings.Compare(a.Key, b.Key) })
	for _, o := range outs {
		fmt.Fprintf(w, "%s\t%s\n", o.Key, o.Value)
	}
}

// prepare loads the --template files and routes their --lambda functions
// in cfg, before the server is assembled.
func (tf *templateFlags) prepare(cfg *config.Config) ([]stackTemplate, map[string]string, error) {
	tpls, err := tf.load()
	if err != nil {
		return nil, nil, err
	}
	lambdas, err := tf.lambdas()
	if err != nil {
		return nil, nil, err
	}
	return tpls, lambdas, routeLambdas(cfg, tpls, lambdas)
}
