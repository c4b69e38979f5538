// `npm run analyze` (part of `npm run build`) writes custom-elements.json from the element's
// class header (@fires, @slot, @csspart, @cssprop) and its Lit properties.
export default {
  globs: ['src/presigned-uploader-element.ts', 'src/presigned-uploader.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      name: 'documented-events-only',
      // The analyzer also reads `new CustomEvent(type)` in the private #emit helper as an event
      // named "type"; the real events are the ones listed with @fires.
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (declaration.events) declaration.events = declaration.events.filter((event) => event.description);
          }
        }
      },
    },
  ],
};
