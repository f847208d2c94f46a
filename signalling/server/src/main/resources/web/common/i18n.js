// Chinese (default) and English for a page: createI18n(words) with words = {zh: {...}, en: {...}}. The choice is kept
// in localStorage ('doorstep.lang'), shared by every page of the server. Elements with data-i18n="key" get the
// word as their text, data-i18n-placeholder / data-i18n-title set those attributes.

export function createI18n(words) {
  let lang = localStorage.getItem('doorstep.lang') === 'en' ? 'en' : 'zh';

  /** The word for key in the current language, with {name} placeholders filled from vars. */
  function t(key, vars = {}) {
    const text = words[lang][key] ?? words.zh[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
  }

  function apply(root = document) {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    if (words[lang].title) document.title = t('title');
    root.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
    root.querySelectorAll('[data-i18n-placeholder]').forEach(el => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    root.querySelectorAll('[data-i18n-title]').forEach(el => { el.title = t(el.dataset.i18nTitle); });
  }

  return {
    t,
    apply,
    language: () => lang,
    setLanguage(next) {
      lang = next === 'en' ? 'en' : 'zh';
      localStorage.setItem('doorstep.lang', lang);
      apply();
    },
    /** A name given in both languages (nameZh / nameEn), in the current one. */
    named: o => (lang === 'en' ? (o.nameEn || o.nameZh) : (o.nameZh || o.nameEn)),
  };
}
