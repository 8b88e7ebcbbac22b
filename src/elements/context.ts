import { createContext } from '@lit/context';
import type { ReadonlyStore } from '../store/types.js';

/** The store `<call-kit>` provides to every kit element inside it (the stable store object). */
export const storeContext = createContext<ReadonlyStore | undefined>(Symbol.for('callkit-elements/store'));
