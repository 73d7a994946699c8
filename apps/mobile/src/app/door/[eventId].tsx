import { RequireSignIn } from '@/features/auth/RequireSignIn';
import { ScannerScreen } from '@/features/door/ScannerScreen';

export default function ScannerScreenRoute() {
  return (
    <RequireSignIn what="the scanner" returnTo="/door">
      <ScannerScreen />
    </RequireSignIn>
  );
}
