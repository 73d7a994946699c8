import { ResetPasswordScreen } from '@/features/auth/PasswordScreens';

export default ResetPasswordScreen;
