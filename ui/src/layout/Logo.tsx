// The Cartographus mark drawn inline (a compass ring around a play triangle): no image request,
// crisp at any size. Same geometry as icons/icon.svg, the source of the app icons.
import { useId } from "react";

export function Logo({ size = 32 }: { size?: number }) {
  // Gradient ids must be unique in the document, even if the logo appears twice.
  const tileGradient = useId();
  const playGradient = useId();
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 1024 1024" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={tileGradient} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#1d4e89" />
          <stop offset="1" stopColor="#0b1a33" />
        </linearGradient>
        <linearGradient id={playGradient} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#ffc15e" />
          <stop offset="1" stopColor="#ff6b3d" />
        </linearGradient>
      </defs>
      <rect x="32" y="32" width="960" height="960" rx="216" fill={`url(#${tileGradient})`} />
      <circle cx="512" cy="512" r="292" fill="none" stroke="#eaf4ff" strokeWidth="64" />
      <path d="M512 96 L580 236 L444 236 Z" fill="#eaf4ff" />
      <path d="M928 512 L828 470 L828 554 Z" fill="#eaf4ff" />
      <path d="M512 928 L470 828 L554 828 Z" fill="#eaf4ff" />
      <path d="M96 512 L196 470 L196 554 Z" fill="#eaf4ff" />
      <path
        d="M440 372 L672 512 L440 652 Z"
        fill={`url(#${playGradient})`}
        stroke={`url(#${playGradient})`}
        strokeWidth="56"
        strokeLinejoin="round"
      />
    </svg>
  );
}
