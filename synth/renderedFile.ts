/** A file synth writes: its path under the output folder and its content. */
export interface RenderedFile {
  file: string;
  content: string;
}
