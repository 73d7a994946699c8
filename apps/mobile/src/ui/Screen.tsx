import type { ReactNode } from 'react';
import { RefreshControl, ScrollView, StyleSheet, View } from 'react-native';
import { colors, MAX_CONTENT_WIDTH, space } from './theme';

export interface ScreenProps {
  children: ReactNode;
  /** Scrolls its content (default); lists that scroll themselves say false. */
  scroll?: boolean;
  refreshing?: boolean;
  onRefresh?: () => void;
}

/** A screen's body: padded, centred and never wider than is comfortable to read on a desktop browser. */
export function Screen({ children, scroll = true, refreshing, onRefresh }: ScreenProps) {
  if (!scroll) return <View style={[styles.fill, styles.column]}>{children}</View>;
  return (
    <ScrollView
      style={styles.fill}
      contentContainerStyle={[styles.column, styles.content]}
      keyboardShouldPersistTaps="handled"
      refreshControl={onRefresh ? <RefreshControl refreshing={!!refreshing} onRefresh={onRefresh} /> : undefined}
    >
      {children}
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  fill: { flex: 1, backgroundColor: colors.background },
  column: { width: '100%', maxWidth: MAX_CONTENT_WIDTH, alignSelf: 'center' },
  content: { padding: space.lg, gap: space.lg, paddingBottom: space.xxl },
});
