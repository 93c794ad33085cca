// Simplified Chinese and English. The language comes from the browser the first time, then from the user's choice.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zh } from './zh';

export type Lang = 'zh' | 'en';
const KEY = 'cmp.lang';

export function initialLang(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

/** Keys a page asked for that a dictionary lacks (the browser suite asserts there are none). */
export const missingKeys = new Set<string>();
(window as unknown as { cmpMissingKeys: Set<string> }).cmpMissingKeys = missingKeys;

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: initialLang(),
  fallbackLng: false,
  interpolation: { escapeValue: false },
  saveMissing: true,
  missingKeyHandler: (_lngs, _ns, key) => missingKeys.add(key),
});

export function setLang(lang: Lang) {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  void i18n.changeLanguage(lang);
}
document.documentElement.lang = i18n.language === 'zh' ? 'zh-CN' : 'en';

export default i18n;
