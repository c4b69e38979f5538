/** A success the server sends as is: PutObject, the multipart calls and browser POST all answer one. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}
