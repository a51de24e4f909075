import { runProgram } from "./program";

const outputs = runProgram();

export const abacInstanceArn = outputs.abacInstanceArn;
export const abacAttributeKeys = outputs.abacAttributeKeys;
export const abacRunAsSource = outputs.abacRunAsSource;
