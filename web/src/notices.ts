// A window event: notices were marked read (the bell in the top bar asks for its count again).
export const NOTICES_READ = 'mamori:notices-read'
