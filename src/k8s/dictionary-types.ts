// One entry of the Kubernetes ↔ ECS dictionary.
export interface DictionaryEntry {
  /** Stable identifier, used by seeAlso. */
  id: string;
  /** The Kubernetes word(s), as written. */
  kubernetes: string;
  /** The ECS word(s), as written. */
  ecs: string;
  /** Every word that finds this entry (matched ignoring case, spaces, '-', '_', '/' and '.'). */
  aliases: string[];
  summary: string;
  explanation: string;
  /** Where the two sides part, for someone moving between them. */
  differences: string[];
  /** How berth's translator maps it, when it does. */
  translation?: string;
  seeAlso?: string[];
}
