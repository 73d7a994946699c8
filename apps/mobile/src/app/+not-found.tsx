import { useRouter } from 'expo-router';
import { EmptyState } from '@/ui/States';

export default function NotFound() {
  const router = useRouter();
  return (
    <EmptyState
      title="This page does not exist"
      body="The link may be old or mistyped."
      action={{ label: 'Go to Discover', onPress: () => router.replace('/') }}
    />
  );
}
