// The Pulumi entry point. The program reads the organisation before it declares anything, so it is an async
// function: Pulumi awaits it and exports what it returns as the stack outputs (abacInstanceArn,
// runShellStackSetName, scpPolicyArns, …). `synth` runs this same entry on the mock runtime.
import { runProgram } from "./program";

export = runProgram;
