import * as pulumi from "@pulumi/pulumi";

// A dynamic provider with no cloud behind it: it computes its outputs from its inputs, so the test can
// assert that the engine ran create (and, on a second preview, that diff reported no changes).
interface GreeterInputs {
  greeting: string;
  target: string;
}
function greet(inputs: GreeterInputs) {
  const message = `${inputs.greeting}, ${inputs.target}!`;
  return { ...inputs, message, length: message.length };
}
const greeter: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GreeterInputs) {
    return { id: `greeter-${inputs.target}`, outs: greet(inputs) };
  },
  async update(_id: string, _olds: GreeterInputs, news: GreeterInputs) {
    return { outs: greet(news) };
  },
  async diff(_id: string, olds: GreeterInputs, news: GreeterInputs) {
    const changed = olds.greeting !== news.greeting || olds.target !== news.target;
    return { changes: changed, replaces: olds.target !== news.target ? ["target"] : [] };
  },
  async delete() {
    // nothing outside the state to remove
  },
};

class Greeter extends pulumi.dynamic.Resource {
  public readonly message!: pulumi.Output<string>;
  public readonly length!: pulumi.Output<number>;
  constructor(name: string, args: { greeting: pulumi.Input<string>; target: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
    super(greeter, name, { message: undefined, length: undefined, ...args }, opts, "smoke", "Greeter");
  }
}

const config = new pulumi.Config();
const g = new Greeter("hello", { greeting: config.get("greeting") ?? "Hello", target: "drill" });
export const message = g.message;
export const length = g.length;
