// Expo's Babel preset, also for Jest (Metro uses it without this file).
module.exports = function babelConfig(api) {
  api.cache(true);
  return { presets: ['babel-preset-expo'] };
};
