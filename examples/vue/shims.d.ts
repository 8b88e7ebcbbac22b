// Single-file components, for tsc (vue-tsc checks the templates themselves).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
