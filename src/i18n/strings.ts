import type { UploadStatus } from '../engine/upload-queue.js';
import type { RejectReason } from '../engine/validate-file.js';

/**
 * Every visible or announced string of the default UI. Templates take `{name}`-style
 * placeholders; numbers in them arrive already formatted with `Intl` for the language.
 */
export interface UploaderStrings {
  prompt: string;
  pick: string;
  pickOne: string;
  pickDirectory: string;
  cancel: string;
  pause: string;
  resume: string;
  /** The buttons of the total line, with more than one file running. */
  pauseAll: string;
  resumeAll: string;
  retry: string;
  remove: string;
  dismiss: string;
  dismissAll: string;
  /** `{count}` refused files beyond those listed one by one. */
  moreRejected: string;
  fileList: string;
  /** Label of the total progress bar. */
  total: string;
  /** `{loaded}` of `{total}`, both formatted sizes. */
  sizeProgress: string;
  /** `{speed}`: a formatted rate; `{time}`: a formatted duration. */
  speed: string;
  timeLeft: string;
  /** Values restored by the browser with the form, whose files this page never saw. */
  restored: string;
  required: string;
  pending: string;
  status: Record<UploadStatus, string>;
  reject: Record<RejectReason, string>;
  /** What the `aria-live` region says; `{name}` is the file's name, `{count}` a formatted number. */
  announce: {
    start: string;
    progress: string;
    /** Progress of all files together, when more than one is on its way. */
    totalProgress: string;
    /** A batch of files was added (and `refused` some of it was refused). */
    added: string;
    refused: string;
    /** A batch of files has ended: `{complete}` uploaded, `{failed}` failed. */
    done: string;
    complete: string;
    error: string;
    reject: string;
    abort: string;
  };
}

/** A partial override, as the `strings` property takes it. */
export type PartialStrings = { [K in keyof UploaderStrings]?: UploaderStrings[K] extends string ? string : Partial<UploaderStrings[K]> };

export const en: UploaderStrings = {
  prompt: 'Drop files here or',
  pick: 'Choose files',
  pickOne: 'Choose a file',
  pickDirectory: 'Choose a folder',
  cancel: 'Cancel',
  pause: 'Pause',
  resume: 'Resume',
  pauseAll: 'Pause all',
  resumeAll: 'Resume all',
  retry: 'Retry',
  remove: 'Remove',
  dismiss: 'Dismiss',
  dismissAll: 'Dismiss all',
  moreRejected: '{count} more files refused.',
  fileList: 'Uploads',
  total: 'Total progress',
  sizeProgress: '{loaded} of {total}',
  speed: '{speed}',
  timeLeft: '{time} left',
  restored: 'Uploaded earlier',
  required: 'Please upload a file.',
  pending: 'Please wait until the upload has finished.',
  status: {
    queued: 'Waiting',
    signing: 'Preparing',
    uploading: 'Uploading',
    registering: 'Saving',
    complete: 'Uploaded',
    error: 'Failed',
    aborted: 'Cancelled',
    paused: 'Paused',
  },
  reject: {
    type: 'This type of file is not accepted.',
    size: 'This file is too large.',
    count: 'Too many files.',
  },
  announce: {
    start: 'Uploading {name}.',
    progress: '{name}: {percent} uploaded.',
    totalProgress: 'All files: {percent} uploaded.',
    added: '{count} files added.',
    refused: '{count} files refused.',
    done: 'Finished: {complete} uploaded, {failed} failed.',
    complete: '{name} uploaded.',
    error: '{name} failed: {message}',
    reject: '{name} refused: {reason}',
    abort: '{name} cancelled.',
  },
};

export const de: UploaderStrings = {
  prompt: 'Dateien hierher ziehen oder',
  pick: 'Dateien auswählen',
  pickOne: 'Datei auswählen',
  pickDirectory: 'Ordner auswählen',
  cancel: 'Abbrechen',
  pause: 'Pausieren',
  resume: 'Fortsetzen',
  pauseAll: 'Alle pausieren',
  resumeAll: 'Alle fortsetzen',
  retry: 'Erneut versuchen',
  remove: 'Entfernen',
  dismiss: 'Schließen',
  dismissAll: 'Alle schließen',
  moreRejected: '{count} weitere Dateien abgelehnt.',
  fileList: 'Uploads',
  total: 'Gesamtfortschritt',
  sizeProgress: '{loaded} von {total}',
  speed: '{speed}',
  timeLeft: 'noch {time}',
  restored: 'Bereits hochgeladen',
  required: 'Bitte laden Sie eine Datei hoch.',
  pending: 'Bitte warten Sie, bis der Upload fertig ist.',
  status: {
    queued: 'Wartet',
    signing: 'Wird vorbereitet',
    uploading: 'Wird hochgeladen',
    registering: 'Wird gespeichert',
    complete: 'Hochgeladen',
    error: 'Fehlgeschlagen',
    aborted: 'Abgebrochen',
    paused: 'Pausiert',
  },
  reject: {
    type: 'Dieser Dateityp wird nicht angenommen.',
    size: 'Diese Datei ist zu groß.',
    count: 'Zu viele Dateien.',
  },
  announce: {
    start: '{name} wird hochgeladen.',
    progress: '{name}: {percent} hochgeladen.',
    totalProgress: 'Alle Dateien: {percent} hochgeladen.',
    added: '{count} Dateien hinzugefügt.',
    refused: '{count} Dateien abgelehnt.',
    done: 'Fertig: {complete} hochgeladen, {failed} fehlgeschlagen.',
    complete: '{name} hochgeladen.',
    error: '{name} fehlgeschlagen: {message}',
    reject: '{name} abgelehnt: {reason}',
    abort: '{name} abgebrochen.',
  },
};

export const fr: UploaderStrings = {
  prompt: 'Déposez des fichiers ici ou',
  pick: 'Choisir des fichiers',
  pickOne: 'Choisir un fichier',
  pickDirectory: 'Choisir un dossier',
  cancel: 'Annuler',
  pause: 'Pause',
  resume: 'Reprendre',
  pauseAll: 'Tout mettre en pause',
  resumeAll: 'Tout reprendre',
  retry: 'Réessayer',
  remove: 'Retirer',
  dismiss: 'Fermer',
  dismissAll: 'Tout fermer',
  moreRejected: '{count} autres fichiers refusés.',
  fileList: 'Envois',
  total: 'Progression totale',
  sizeProgress: '{loaded} sur {total}',
  speed: '{speed}',
  timeLeft: 'encore {time}',
  restored: 'Déjà envoyé',
  required: 'Veuillez envoyer un fichier.',
  pending: 'Veuillez attendre la fin de l’envoi.',
  status: {
    queued: 'En attente',
    signing: 'Préparation',
    uploading: 'Envoi en cours',
    registering: 'Enregistrement',
    complete: 'Envoyé',
    error: 'Échec',
    aborted: 'Annulé',
    paused: 'En pause',
  },
  reject: {
    type: 'Ce type de fichier n’est pas accepté.',
    size: 'Ce fichier est trop volumineux.',
    count: 'Trop de fichiers.',
  },
  announce: {
    start: 'Envoi de {name}.',
    progress: '{name} : {percent} envoyé.',
    totalProgress: 'Tous les fichiers : {percent} envoyé.',
    added: '{count} fichiers ajoutés.',
    refused: '{count} fichiers refusés.',
    done: 'Terminé : {complete} envoyés, {failed} en échec.',
    complete: '{name} envoyé.',
    error: 'Échec de {name} : {message}',
    reject: '{name} refusé : {reason}',
    abort: '{name} annulé.',
  },
};

/** The built-in languages, by primary language subtag. */
export const dictionaries: Readonly<Record<string, UploaderStrings>> = { en, de, fr };

/** The dictionary for a BCP 47 tag (`de-AT` takes `de`); English when there is none. */
export function dictionaryFor(lang: string): UploaderStrings {
  const primary = lang.toLowerCase().split(/[-_]/)[0] ?? '';
  return dictionaries[primary] ?? en;
}

/** Deep-merges a partial override over a full dictionary; unknown keys and non-strings are ignored. */
export function mergeStrings(base: UploaderStrings, override: PartialStrings | undefined): UploaderStrings {
  if (!override) return base;
  const merged = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (typeof current === 'string' && typeof value === 'string') merged[key] = value;
    else if (current && typeof current === 'object' && value && typeof value === 'object') {
      const nested = { ...(current as Record<string, string>) };
      for (const [inner, text] of Object.entries(value as Record<string, unknown>)) {
        if (inner in nested && typeof text === 'string') nested[inner] = text;
      }
      merged[key] = nested;
    }
  }
  return merged as unknown as UploaderStrings;
}

/** Fills `{placeholder}`s; an unknown placeholder stays as written so a typo shows. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
