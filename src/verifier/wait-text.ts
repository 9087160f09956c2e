// How long to wait, in words: "30 seconds", "2 minutes" (whole minutes from a minute on, rounded up).
export function waitText(seconds: number, lang: 'nl' | 'en'): string {
  if (seconds < 60) return lang === 'nl' ? `${seconds} ${seconds === 1 ? 'seconde' : 'seconden'}` : `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return lang === 'nl' ? `${minutes} ${minutes === 1 ? 'minuut' : 'minuten'}` : `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
