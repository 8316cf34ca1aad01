// The host bundle loads stylesheets as text (esbuild `text` loader) and injects the ones Grafana ships itself.
declare module '*.css' {
  const text: string;
  export default text;
}
