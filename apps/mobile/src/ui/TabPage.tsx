import type { ReactNode } from 'react';
import { StyleSheet } from 'react-native';
import { SafeAreaView } from 'react-native-safe-area-context';
import { colors } from './theme';

/** A tab's page: below the status bar (the tabs have no header bar; each page names itself in a heading). */
export function TabPage({ children }: { children: ReactNode }) {
  return (
    <SafeAreaView edges={['top']} style={styles.page}>
      {children}
    </SafeAreaView>
  );
}

const styles = StyleSheet.create({ page: { flex: 1, backgroundColor: colors.background } });
