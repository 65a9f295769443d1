declare module 'unidecode' {
  /** ASCII transliteration of Unicode text. */
  export default function unidecode(text: string): string;
}
