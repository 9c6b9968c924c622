// Command pulumi-language-nodejs is failover-drill's own Node.js language host for the Pulumi CLI.
//
// Why it exists: Pulumi's host lives in the nested module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which has no release tags and which
// the Go module proxy refuses to serve (403 for every version, pseudo-version and commit query), so it
// cannot be built offline. The CLI (pkg/v3) and the protocol (sdk/v3/proto/go) are served, so this host
// implements the LanguageRuntime protocol of sdk/v3 v3.248.0 itself and delegates all program work to the
// scripts that ship in the npm package @pulumi/pulumi of the same version:
//
//   - Run          -> node @pulumi/pulumi/cmd/run <flags> <program>        (programs, ts-node for TypeScript)
//   - RunPlugin    -> node @pulumi/pulumi/cmd/run-policy-pack <engine> .  (policy packs, PulumiPolicy.yaml)
//     node @pulumi/pulumi/cmd/run-plugin .                (PulumiPlugin.yaml providers)
//   - GetRequiredPackages / GetRequiredPlugins -> node_modules/**/package.json with "pulumi": {"resource": true}
//
// Where a CLI is installed, scripts/setup.mjs uses that CLI and its own host instead.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// exitCodeAlreadyReported is the exit code @pulumi/pulumi/cmd/run uses when it has already shown the user
// an actionable error; the engine should then not print another one (RunResponse.Bail).
const exitCodeAlreadyReported = 32

func main() {
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	tracing := flags.String("tracing", "", "Zipkin-compatible tracing endpoint (passed through to the program)")
	_ = flags.String("root", "", "project root (unused; the engine sends it with each request)")
	_ = flags.Bool("typescript", true, "unused; Pulumi.yaml runtime option 'typescript' decides")
	_ = flags.Bool("logtostderr", false, "unused")
	_ = flags.Int("v", 0, "unused")
	if err := flags.Parse(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: could not find node on the $PATH")
		os.Exit(1)
	}
	host := &nodeHost{nodeBin: nodeBin, tracing: *tracing}
	if flags.NArg() > 0 {
		host.engineAddress = flags.Arg(0)
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the RPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: RPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	nodeBin string
	tracing string

	mu            sync.Mutex
	engineAddress string
}

func (h *nodeHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *nodeHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// ---- plugins the program needs -------------------------------------------------------------------

type packageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	DevDeps      map[string]string `json:"devDependencies"`
	Pulumi       struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

type pluginDep struct{ name, version, server string }

// requiredPlugins lists resource plugins declared by installed npm packages, the way Pulumi's host does:
// every package under node_modules (scoped packages and nested node_modules included) whose package.json
// has "pulumi": {"resource": true}. The plugin name is pulumi.name, else the package name without
// "@pulumi/" (or without the leading "@"); the version is pulumi.version, else the package version.
func requiredPlugins(programDir string) ([]pluginDep, error) {
	seen := map[string]bool{}
	var out []pluginDep
	var walk func(nodeModules string, depth int) error
	walk = func(nodeModules string, depth int) error {
		if depth > 8 {
			return nil
		}
		entries, err := os.ReadDir(nodeModules)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		var pkgDirs []string
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			full := filepath.Join(nodeModules, name)
			if strings.HasPrefix(name, "@") {
				scoped, err := os.ReadDir(full)
				if err != nil {
					continue
				}
				for _, s := range scoped {
					pkgDirs = append(pkgDirs, filepath.Join(full, s.Name()))
				}
				continue
			}
			pkgDirs = append(pkgDirs, full)
		}
		for _, dir := range pkgDirs {
			p, err := readPackageJSON(filepath.Join(dir, "package.json"))
			if err == nil && p.Pulumi.Resource {
				name := p.Pulumi.Name
				if name == "" {
					name = strings.TrimPrefix(strings.TrimPrefix(p.Name, "@pulumi/"), "@")
				}
				ver := p.Pulumi.Version
				if ver == "" {
					ver = p.Version
				}
				if ver != "" && !strings.HasPrefix(ver, "v") {
					ver = "v" + ver
				}
				key := name + "@" + ver
				if name != "" && !seen[key] {
					seen[key] = true
					out = append(out, pluginDep{name: name, version: ver, server: p.Pulumi.Server})
				}
			}
			if err := walk(filepath.Join(dir, "node_modules"), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	// Walk up from the program directory: npm workspaces hoist packages to a parent node_modules.
	dir := programDir
	for {
		if err := walk(filepath.Join(dir, "node_modules"), 0); err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil {
				break
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name+out[i].version < out[j].name+out[j].version })
	return out, nil
}

func programDirOf(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

func (h *nodeHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	deps, err := requiredPlugins(programDirOf(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, d := range deps {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
			Name: d.name, Kind: "resource", Version: d.version, Server: d.server,
		})
	}
	return resp, nil
}

func (h *nodeHost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	deps, err := requiredPlugins(programDirOf(req.GetInfo(), req.GetProgram()))
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, d := range deps {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: d.name, Kind: "resource", Version: d.version, Server: d.server,
		})
	}
	return resp, nil
}

// ---- running programs -----------------------------------------------------------------------------

// resolveModule asks node for the path of a module as seen from dir, so the program's own
// node_modules/@pulumi/pulumi is used.
func (h *nodeHost) resolveModule(dir, module string) (string, error) {
	cmd := exec.Command(h.nodeBin, "-e", fmt.Sprintf("console.log(require.resolve(%q))", module))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s; have you run npm install?", module, dir)
	}
	return strings.TrimSpace(string(out)), nil
}

func optionString(opts *structpb.Struct, key string) (string, bool) {
	if opts == nil {
		return "", false
	}
	v, ok := opts.GetFields()[key]
	if !ok || v == nil {
		return "", false
	}
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		return k.StringValue, true
	case *structpb.Value_BoolValue:
		return fmt.Sprintf("%t", k.BoolValue), true
	case *structpb.Value_NumberValue:
		return fmt.Sprintf("%v", k.NumberValue), true
	}
	return "", false
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := programDirOf(info, req.GetPwd())
	runPath, err := h.resolveModule(programDir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	var nodeArgs []string
	if s, ok := optionString(info.GetOptions(), "nodeargs"); ok && s != "" {
		nodeArgs = append(nodeArgs, strings.Fields(s)...)
	}
	args := append(nodeArgs, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	if info != nil {
		add("root-directory", info.GetRootDirectory())
	}
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", fmt.Sprint(req.GetParallel()))
	add("tracing", h.tracing)
	entry := "."
	if info != nil && info.GetEntryPoint() != "" {
		entry = info.GetEntryPoint()
	} else if req.GetProgram() != "" && info == nil {
		entry = req.GetProgram()
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{} // the SDK parses PULUMI_CONFIG as an object; "null" breaks it
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := os.Environ()
	env = append(env, "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	typescript := "true"
	if s, ok := optionString(info.GetOptions(), "typescript"); ok {
		typescript = s
	}
	env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+typescript)
	if s, ok := optionString(info.GetOptions(), "tsconfig"); ok && s != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+s)
	}

	cmd := exec.CommandContext(ctx, h.nodeBin, args...)
	cmd.Dir = programDir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code := exitErr.ExitCode()
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program was killed by signal %v", ws.Signal())}, nil
			}
			if code == exitCodeAlreadyReported {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run node): %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a plugin written in Node.js: a policy pack (kind "analyzer", a folder with
// PulumiPolicy.yaml) or a provider (a folder with PulumiPlugin.yaml). Output is streamed back to the
// engine, the exit code comes last.
func (h *nodeHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	info := req.GetInfo()
	pluginDir := programDirOf(info, req.GetPwd())
	var script string
	var args []string
	switch req.GetKind() {
	case "analyzer":
		runPath, err := h.resolveModule(pluginDir, "@pulumi/pulumi/cmd/run-policy-pack")
		if err != nil {
			return status.Errorf(codes.FailedPrecondition,
				"it looks like the policy pack's dependencies are not installed; try running npm install in %q",
				pluginDir)
		}
		script = runPath
		// run-policy-pack expects <engine-address> <program>; the engine passes its address as the
		// first plugin argument.
		args = append(args, req.GetArgs()...)
		if len(args) == 0 {
			args = append(args, h.engine())
		}
		args = append(args, ".")
	default:
		runPath, err := h.resolveModule(pluginDir, "@pulumi/pulumi/cmd/run-plugin")
		if err != nil {
			return status.Errorf(codes.FailedPrecondition, "%v", err)
		}
		script = runPath
		args = append(args, ".")
		args = append(args, req.GetArgs()...)
	}

	var nodeArgs []string
	if s, ok := optionString(info.GetOptions(), "nodeargs"); ok && s != "" {
		nodeArgs = append(nodeArgs, strings.Fields(s)...)
	}
	cmd := exec.CommandContext(stream.Context(), h.nodeBin, append(append(nodeArgs, script), args...)...)
	cmd.Dir = pluginDir
	cmd.Env = append(os.Environ(), req.GetEnv()...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return status.Errorf(codes.Internal, "could not start node for plugin %s: %v", pluginDir, err)
	}

	var sendMu sync.Mutex
	send := func(msg *pulumirpc.RunPluginResponse) {
		sendMu.Lock()
		defer sendMu.Unlock()
		_ = stream.Send(msg)
	}
	var wg sync.WaitGroup
	pump := func(r io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer wg.Done()
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 {
				send(wrap(line))
			}
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go pump(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go pump(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	wg.Wait()
	code := int32(0)
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = int32(exitErr.ExitCode())
		} else {
			code = -1
		}
	}
	send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
	return nil
}

// ---- dependencies and about -------------------------------------------------------------------------

func (h *nodeHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := programDirOf(req.GetInfo(), req.GetDirectory())
	cmd := exec.CommandContext(stream.Context(), "npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	_ = stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: out})
	if err != nil {
		return status.Errorf(codes.Internal, "npm install in %s failed: %v", dir, err)
	}
	return nil
}

func (h *nodeHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDirOf(req.GetInfo(), req.GetPwd())
	p, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "reading package.json in %s: %v", dir, err)
	}
	names := map[string]bool{}
	for n := range p.Dependencies {
		names[n] = true
	}
	if req.GetTransitiveDependencies() {
		for n := range p.DevDeps {
			names[n] = true
		}
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		installed, err := readPackageJSON(filepath.Join(dir, "node_modules", n, "package.json"))
		if err != nil {
			continue
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: n, Version: installed.Version})
	}
	return resp, nil
}

func (h *nodeHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command(h.nodeBin, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: h.nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"host": "failover-drill pulumi-language-nodejs"},
	}, nil
}
