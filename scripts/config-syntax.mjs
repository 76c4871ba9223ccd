// A config with a YAML syntax error makes promptfoo crash with js-yaml's stack trace. The wrapper
// reads each config first and says what is wrong in one line, naming the file, line and column.
import { existsSync, readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';

/** The config files an eval command line names (`-c a.yaml,b.yaml`, `--config x`), or promptfoo's default. */
export function configFiles(args) {
  const files = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    let value = null;
    if ((arg === '-c' || arg === '--config') && i + 1 < args.length) value = args[++i];
    else if (arg.startsWith('--config=')) value = arg.slice('--config='.length);
    if (value !== null) files.push(...value.split(',').filter(Boolean));
  }
  if (files.length === 0 && existsSync('promptfooconfig.yaml')) files.push('promptfooconfig.yaml');
  return files.filter((f) => /\.ya?ml$/i.test(f) && existsSync(f));
}

/** One line describing the first YAML syntax error of `file`, or null when it parses. */
export function yamlSyntaxError(file) {
  try {
    loadAll(readFileSync(file, 'utf8'), () => {}, { filename: file });
    return null;
  } catch (err) {
    if (err?.name !== 'YAMLException') throw err;
    const where = err.mark ? `line ${err.mark.line + 1}, column ${err.mark.column + 1}` : 'somewhere';
    return (
      `stratalign: ${file}: YAML syntax error at ${where}: ${err.reason}. ` +
      'Fix the YAML there (indentation, an unclosed bracket or quote) and run again.'
    );
  }
}
